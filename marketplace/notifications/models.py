from email.utils import parseaddr

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
    delivered twice or the sweep races a worker. A failed send is retried
    with back-off for ``NOTIFICATION_RETRY_HOURS`` (48) from the first
    attempt, then the row is ``failed`` and waits in the staff escalation
    queue until staff retries it or marks it handled.
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
    # When the first attempt was made: retries stop this long after it.
    first_attempt_at = models.DateTimeField(
        _("first attempt at"), null=True, blank=True
    )
    # A failed email staff has dealt with (told the person another way,
    # address wrong): it leaves the escalation queue.
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
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

    @property
    def message_id(self) -> str:
        """The ``Message-ID`` of this email, the same at every attempt: a
        resend after a crash is the same message to the provider and to the
        reader's mail client. The creation time (to the microsecond) keeps
        ids apart between databases (staging and production) that share a
        provider and reuse the same row ids."""
        stamp = int(self.created_at.timestamp() * 1_000_000)
        return f"<notification-{self.pk}.{stamp}@{message_id_domain()}>"


def message_id_domain() -> str:
    """The domain of the ``Message-ID``s: ``NOTIFICATION_MESSAGE_ID_DOMAIN``,
    else the domain of ``DEFAULT_FROM_EMAIL`` (the sender's, so providers
    that check alignment are happy)."""
    domain = getattr(settings, "NOTIFICATION_MESSAGE_ID_DOMAIN", "")
    if not domain:
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        domain = address.rpartition("@")[2]
    return domain or "localhost"
