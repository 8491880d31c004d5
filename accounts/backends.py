"""The password backend of the site."""

from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Django's ``ModelBackend``: one query for the user of each request.

    Whether the user has a shop (the page header asks) is read when a page
    asks, once per request (``User.artist_or_none``); requests that never
    ask (a form sent, then a redirect; the API) do not join the shop."""
