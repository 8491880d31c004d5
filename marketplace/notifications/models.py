from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Notification(models.Model):
    """The outbox: one email to send, recorded in the transaction that causes it.

    The row is claimed (``pending`` → ``sending``) by a conditional update
    before sending, so a given row is sent at most once even when a task is
    delivered twice or the sweep races a worker.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    to_email = models.EmailField(_("to"))
    event = models.CharField(_("event"), max_length=60)
    language = models.CharField(_("language"), max_length=2)
    context = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    # Unique through a constraint (Meta): unique=True would add a second
    # index, for LIKE searches that nothing makes.
    # NULL, not "", for rows without a key: they must not collide.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    available_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notification outbox")
        indexes = [
            models.Index(fields=["status", "available_at"]),
            models.Index(fields=["event", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], name="notification_dedupe_key_unique"
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.to_email} ({self.status})"
