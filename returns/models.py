"""Return and exchange requests: one per order line (or part of its
quantity), with photos, a history and a thread; run by ``returns.services``."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from marketplace.models import TransitionRecord
from marketplace.storage import private_storage
from orders.rules import add_business_days as business_days_after

MONEY = {"max_digits": 12, "decimal_places": 2}


class ReturnKind(models.TextChoices):
    RETURN = "return", _("return")
    EXCHANGE = "exchange", _("exchange")


class ReturnReason(models.TextChoices):
    CHANGED_MIND = "changed_mind", _("changed my mind")
    WRONG_SIZE = "wrong_size", _("wrong size")
    WRONG_ITEM = "wrong_item", _("wrong product received")
    DAMAGED = "damaged", _("damaged product")
    NON_COMPLIANT = "non_compliant", _("not as described")
    OTHER = "other", _("other")


# The artist's fault: photos mandatory, open for two years (legal guarantee
# of conformity), return postage and original shipping on the artist.
ARTIST_FAULT_REASONS = frozenset(
    {ReturnReason.WRONG_ITEM, ReturnReason.DAMAGED, ReturnReason.NON_COMPLIANT}
)
# The others: the right of withdrawal (14 days, not for personalised items)
# or the artist's own window.
CHANGE_OF_MIND_REASONS = frozenset(
    {ReturnReason.CHANGED_MIND, ReturnReason.WRONG_SIZE, ReturnReason.OTHER}
)


class ReturnState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    IN_TRANSIT = "in_transit", _("sent back")
    RECEIVED = "received", _("received")
    REFUNDED = "refunded", _("refunded")
    REPLACEMENT_SHIPPED = "replacement_shipped", _("replacement shipped")
    ESCALATED = "escalated", _("escalated")
    WITHDRAWN = "withdrawn", _("withdrawn")
    EXPIRED = "expired", _("expired")
    CLOSED = "closed", _("closed")


R = ReturnState

# Requests that no longer hold any quantity of their line: the buyer may ask
# again for those pieces.
RELEASED_STATES = frozenset({R.REJECTED, R.WITHDRAWN, R.EXPIRED, R.CLOSED})
# Requests still running (they hold the artist order's completion and payout).
OPEN_STATES = frozenset(
    {R.REQUESTED, R.ACCEPTED, R.IN_TRANSIT, R.RECEIVED, R.ESCALATED}
)
FINAL_STATES = frozenset(set(R.values) - OPEN_STATES)


def add_business_days(start, days: int):
    """``start`` plus ``days`` business days (Monday to Friday, as orders
    count them; public holidays are not counted out), at the same local
    time of day."""
    local = timezone.localtime(start)
    day = business_days_after(local.date(), max(int(days), 0))
    return timezone.make_aware(datetime.combine(day, local.time()))


class ReturnRequest(ConcurrentTransitionMixin, models.Model):
    """A buyer asking to return or exchange ``quantity`` pieces of one line."""

    artist_order = models.ForeignKey(
        "orders.ArtistOrder",
        on_delete=models.PROTECT,
        related_name="return_requests",
        verbose_name=_("artist order"),
    )
    # Denormalised from the artist order for the artist's queue (indexed).
    artist = models.ForeignKey(
        "artists.Artist",
        on_delete=models.PROTECT,
        related_name="return_requests",
        verbose_name=_("artist"),
    )
    line = models.ForeignKey(
        "orders.OrderLine",
        on_delete=models.PROTECT,
        related_name="return_requests",
        verbose_name=_("order line"),
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="return_requests",
        verbose_name=_("buyer"),
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1)]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReturnKind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    comment = models.TextField(_("comment"), blank=True)
    desired_variant = models.ForeignKey(
        "artists.Variant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wanted variant"),
    )
    desired_item = models.ForeignKey(
        "artists.Item",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wanted item"),
    )
    desired_text = models.CharField(_("wanted replacement"), max_length=500, blank=True)
    state = FSMField(
        _("state"),
        max_length=24,
        choices=ReturnState.choices,
        default=R.REQUESTED,
        protected=True,
    )
    instructions = models.TextField(_("return instructions"), blank=True)
    ship_back_deadline = models.DateField(_("send back before"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    escalation_message = models.TextField(_("escalation message"), blank=True)
    return_carrier = models.CharField(_("return carrier"), max_length=80, blank=True)
    return_tracking_number = models.CharField(
        _("return tracking number"), max_length=80, blank=True
    )
    replacement_carrier = models.CharField(
        _("replacement carrier"), max_length=80, blank=True
    )
    replacement_tracking_number = models.CharField(
        _("replacement tracking number"), max_length=80, blank=True
    )
    refund_amount = models.DecimalField(
        _("refunded amount"), null=True, blank=True, **MONEY
    )
    refund_includes_shipping = models.BooleanField(
        _("refund includes the original shipping"), default=False
    )
    # The free-shipping postage this refund deducted (returns.postage): at
    # most once per artist order over all its returns.
    refund_shipping_deduction = models.DecimalField(
        _("free-shipping postage deducted"), default=Decimal("0.00"), **MONEY
    )
    refund = models.ForeignKey(
        "orders.Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_requests",
        verbose_name=_("refund"),
    )
    refund_note = models.TextField(_("why the refund is lower"), blank=True)
    thread = models.OneToOneField(
        "messaging.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="return_request",
        verbose_name=_("thread"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    shipped_back_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The one reminder of the state the request waits in (``returns.jobs``):
    # the state it was sent for, and when.
    reminded_state = models.CharField(
        _("reminder sent for"), max_length=24, choices=ReturnState.choices, blank=True
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # Stamped at reception: REFUND_DUE_BUSINESS_DAYS business days later
    # (seed 002); a refund still missing then shows in staff's queue.
    refund_due_at = models.DateTimeField(_("refund due by"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        indexes = [
            models.Index(
                fields=["artist", "state", "-created_at"], name="return_artist_queue"
            ),
            models.Index(fields=["artist", "-created_at"], name="return_artist_recent"),
            models.Index(fields=["buyer", "-created_at"], name="return_buyer_recent"),
            models.Index(fields=["state", "created_at"], name="return_state_created"),
            models.Index(fields=["state", "answered_at"], name="return_state_answered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="return_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(refund_amount__isnull=True) | Q(refund_amount__gt=0),
                name="return_refund_amount_positive",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.quantity} × {self.line_id and self.line.title} ({self.state})"

    def save(self, *args, **kwargs):
        if self.artist_id is None and self.artist_order_id is not None:
            self.artist_id = self.artist_order.artist_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The buyer's page of the request (the list of returns before it is
        saved)."""
        if self.pk is None:
            return reverse("returns:list")
        return reverse("returns:detail", kwargs={"pk": self.pk})

    @property
    def is_exchange(self) -> bool:
        return self.kind == ReturnKind.EXCHANGE

    @property
    def is_artist_fault(self) -> bool:
        return self.reason in ARTIST_FAULT_REASONS

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # Transitions only change the state and stamp times: services do the rest.
    @transition(field=state, source=[R.REQUESTED, R.ESCALATED], target=R.ACCEPTED)
    def accept(self, *, instructions: str, ship_back_deadline=None, at=None):
        self.instructions = instructions
        self.ship_back_deadline = ship_back_deadline
        self.answered_at = at or timezone.now()

    @transition(field=state, source=R.REQUESTED, target=R.REJECTED)
    def reject(self, *, reason: str, at=None):
        self.rejection_reason = reason
        self.answered_at = at or timezone.now()

    @transition(field=state, source=R.ACCEPTED, target=R.IN_TRANSIT)
    def ship_back(self, *, carrier: str, tracking_number: str, at=None):
        self.return_carrier = carrier
        self.return_tracking_number = tracking_number
        self.shipped_back_at = at or timezone.now()

    @transition(field=state, source=[R.ACCEPTED, R.IN_TRANSIT], target=R.RECEIVED)
    def receive(self, *, at=None):
        self.received_at = at or timezone.now()
        self.refund_due_at = add_business_days(
            self.received_at, settings.REFUND_DUE_BUSINESS_DAYS
        )

    def _is_return(self) -> bool:
        return self.kind == ReturnKind.RETURN

    def _is_exchange(self) -> bool:
        return self.kind == ReturnKind.EXCHANGE

    @transition(
        field=state, source=R.RECEIVED, target=R.REFUNDED, conditions=[_is_return]
    )
    def refund_received(self, *, at=None):
        self.closed_at = at or timezone.now()

    @transition(
        field=state,
        source=R.RECEIVED,
        target=R.REPLACEMENT_SHIPPED,
        conditions=[_is_exchange],
    )
    def ship_replacement(self, *, carrier: str, tracking_number: str, at=None):
        self.replacement_carrier = carrier
        self.replacement_tracking_number = tracking_number
        self.closed_at = at or timezone.now()

    @transition(
        field=state, source=R.RECEIVED, target=R.REFUNDED, conditions=[_is_exchange]
    )
    def convert_to_refund(self, *, at=None):
        self.closed_at = at or timezone.now()

    # Requests left waiting too long on the artist go to staff too: not
    # answered, not marked received, or received and not refunded.
    @transition(
        field=state,
        source=[R.REJECTED, R.REQUESTED, R.IN_TRANSIT, R.RECEIVED],
        target=R.ESCALATED,
    )
    def escalate(self, *, message: str = "", at=None):
        self.escalation_message = message
        self.escalated_at = at or timezone.now()

    @transition(field=state, source=R.ESCALATED, target=R.REFUNDED)
    def staff_refund(self, *, at=None):
        self.closed_at = at or timezone.now()

    @transition(field=state, source=R.ESCALATED, target=R.CLOSED)
    def staff_close(self, *, at=None):
        self.closed_at = at or timezone.now()

    @transition(field=state, source=[R.REQUESTED, R.ACCEPTED], target=R.WITHDRAWN)
    def withdraw(self, *, at=None):
        self.closed_at = at or timezone.now()

    @transition(field=state, source=R.ACCEPTED, target=R.EXPIRED)
    def expire(self, *, at=None):
        self.closed_at = at or timezone.now()


def return_photo_path(instance, filename):
    return f"returns/{timezone.now():%Y/%m}/{filename}"


class ReturnPhoto(models.Model):
    """A photo of the returned item: cleaned (no metadata), private."""

    request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("return request"),
    )
    image = models.ImageField(
        _("photo"), upload_to=return_photo_path, storage=private_storage
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")

    def __str__(self):
        return f"photo {self.pk} of return {self.request_id}"


class ReturnEvent(TransitionRecord):
    """The history of a return request: one row per transition."""

    NOTE_SENTENCES = {
        "refunded": _("%(amount)s € refunded."),
        "no_answer_in_time": _("No answer from the artist in time."),
        "not_received_in_time": _(
            "The artist did not mark the parcel received in time."
        ),
        "not_refunded_in_time": _("The artist did not refund the return in time."),
        # What an exchange or a return did to the stock.
        "restocked": _("%(quantity)s × %(title)s (%(variant)s) put back in stock."),
        "not_restocked": _("Not put back in stock."),
        "replacement_from_stock": _(
            "%(note)s — %(quantity)s × %(title)s (%(variant)s) taken from stock."
        ),
    }

    request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        related_name="history",
        verbose_name=_("return request"),
    )
    from_state = models.CharField(
        _("from"), max_length=24, choices=ReturnState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=24, choices=ReturnState.choices)
