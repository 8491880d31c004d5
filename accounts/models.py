from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")


class User(AbstractUser):
    """One login for buyers, artists and staff; an artist also has a shop."""

    email = models.EmailField(_("email address"))
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    # An email change waits here until the link sent to the new address is
    # followed (accounts.email_change).
    pending_email = models.EmailField(
        _("email address awaiting confirmation"), blank=True
    )
    pending_email_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self):
        return self.username

    def save(self, **kwargs):
        """Save; a new password (``set_password``, from any door: the password
        change page, a reset link, the admin, ``changepassword``) also
        revokes the user's API tokens and cancels a pending email change,
        in the same transaction. Django's own hash upgrade at login is not a
        change (it leaves ``_password`` unset) and revokes nothing."""
        if self._password is None or self._state.adding:
            super().save(**kwargs)
            return
        if self.pending_email or self.pending_email_requested_at:
            self.pending_email, self.pending_email_requested_at = "", None
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "pending_email",
                    "pending_email_requested_at",
                }
        with transaction.atomic():
            super().save(**kwargs)
            Token.objects.filter(user=self).delete()

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
