"""The cart badge of the page header."""

from django.utils.functional import SimpleLazyObject

from .selectors import cart_size_for_request


def cart_size(request):
    """``cart_size``: pieces in the visitor's cart, counted when a page first
    shows it (the API asks nothing)."""
    return {"cart_size": SimpleLazyObject(lambda: cart_size_for_request(request))}
