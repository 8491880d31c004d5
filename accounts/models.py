from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")


class User(AbstractUser):
    """One login for buyers, artists and staff; an artist also has a shop."""

    email = models.EmailField(_("email address"))
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.EN
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self):
        return self.username

    @property
    def artist_or_none(self):
        """The user's shop, or None when the user is not an artist."""
        try:
            return self.artist
        except models.ObjectDoesNotExist:
            return None

    @property
    def is_artist(self) -> bool:
        return self.artist_or_none is not None
