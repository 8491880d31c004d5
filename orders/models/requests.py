"""What a buyer asks of an artist order after the artist accepted it: to
cancel it, or to do something about a parcel that never arrived."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .orders import ArtistOrder


class CancellationStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted: the order was refused and refunded")
    DECLINED = "declined", _("declined: the order had already shipped")
    WITHDRAWN = "withdrawn", _("withdrawn")


class CancellationRequest(models.Model):
    """A buyer asking to cancel an accepted artist order; the artist answers
    by refusing the order (accepted) or shipping it (declined)."""

    artist_order = models.ForeignKey(
        ArtistOrder,
        on_delete=models.CASCADE,
        related_name="cancellation_requests",
        verbose_name=_("artist order"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CancellationStatus.choices,
        default=CancellationStatus.OPEN,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["artist_order"],
                condition=Q(status="open"),
                name="one_open_cancellation_request",
            )
        ]

    def __str__(self):
        return f"{self.artist_order} ({self.get_status_display()})"

    @property
    def staff_takes_over_at(self):
        """When an open request the artist has not answered goes to the
        marketplace team's queue (``STAFF_CANCELLATION_WAIT_HOURS``, 24 by
        default); the artist is reminded halfway."""
        hours = float(getattr(settings, "STAFF_CANCELLATION_WAIT_HOURS", 24))
        return self.created_at + timedelta(hours=hours)


class NotReceivedStatus(models.TextChoices):
    # Said of the parcel ("le colis", masculine in French).
    OPEN = "open", _("open")
    RESHIPPED = "reshipped", pgettext_lazy("parcel", "shipped again")
    REFUNDED = "refunded", pgettext_lazy("parcel", "refunded")


class NotReceivedReport(models.Model):
    """A buyer reporting a parcel as not received; the artist (or staff)
    ships it again or refunds it."""

    artist_order = models.ForeignKey(
        ArtistOrder,
        on_delete=models.CASCADE,
        related_name="not_received_reports",
        verbose_name=_("artist order"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotReceivedStatus.choices,
        default=NotReceivedStatus.OPEN,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("not-received report")
        verbose_name_plural = _("not-received reports")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["artist_order"],
                condition=Q(status="open"),
                name="one_open_not_received_report",
            )
        ]

    def __str__(self):
        return f"{self.artist_order} ({self.get_status_display()})"
