"""The password backend of the site."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Django's ``ModelBackend``, reading the user's shop with the user: the
    page header of every logged-in page asks whether the user is an artist,
    which would otherwise cost a query of its own."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("artist").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
