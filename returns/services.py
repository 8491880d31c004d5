"""Return and exchange requests: one function per transition, called by
every door (page, API, admin action, periodic job).

Each one: ``transaction.atomic()``, lock the artist order then the request,
check who asks and that the transition can run now (else ``Conflict`` with
the current state), run it, save, write the history row (``ReturnEvent``),
a system message in the request's thread and the outbox emails, all in that
transaction. Callers pass a request they already scoped to the user
(``returns.selectors``); it is locked again by its id here.

Who may act: the buyer for buyer actions (ship back, withdraw, escalate);
the artist of the artist order, or staff, for artist actions (accept,
reject, receive, refund, ship a replacement, convert to a refund); staff
alone once a request is escalated (accept, refund, close); ``by=None`` is
the system (periodic jobs). Anyone else gets ``PermissionDenied`` (403).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from artists.models import Item, Variant
from marketplace.errors import Conflict, DomainError
from marketplace.images import clean_image
from marketplace.money import ZERO, to_money
from marketplace.notifications.formatting import format_date
from marketplace.notifications.services import notify
from marketplace.transitions import clean_text, clean_tracking, sync_from_locked
from orders.models import ArtistOrder, OrderLine, Refund, RefundReason
from orders.services.refunds import refund_create

from . import hooks
from .eligibility import held_quantity, line_eligibility, reason_refused_text
from .emails import return_email_context
from .models import (
    ARTIST_FAULT_REASONS,
    RELEASED_STATES,
    ReturnEvent,
    ReturnKind,
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
    ReturnState,
)

logger = logging.getLogger(__name__)
R = ReturnState

ACTIONS = (
    "accept",
    "reject",
    "ship_back",
    "receive",
    "refund",
    "ship_replacement",
    "convert_to_refund",
    "escalate",
    "withdraw",
    "staff_decide",
)
STAFF_DECISIONS = ("accept", "refund", "close")
MAX_PHOTOS = 5
TEXT_MAX_LENGTH = 2000
INSTRUCTIONS_MAX_LENGTH = 5000
DESIRED_TEXT_MAX_LENGTH = 500
# Requests whose pieces do not come back for a refund: they do not count
# towards "the whole artist order comes back".
NOT_COMING_BACK = RELEASED_STATES | {R.REPLACEMENT_SHIPPED}


# Reading ----------------------------------------------------------------------


def answer_due_at(return_request: ReturnRequest) -> dt.datetime:
    """When a request left unanswered escalates by itself (and the buyer may
    escalate it): ``settings.RETURN_ANSWER_DAYS`` (fractional allowed)
    after it was made."""
    return return_request.created_at + dt.timedelta(days=settings.RETURN_ANSWER_DAYS)


def ship_back_due_at(return_request: ReturnRequest) -> dt.datetime | None:
    """Until when an accepted request may be sent back before it expires:
    ``settings.RETURN_SHIP_BACK_DAYS`` after acceptance, or the end of the
    artist's deadline when that is later. None before acceptance."""
    if return_request.answered_at is None or return_request.state == R.REJECTED:
        return None
    due = return_request.answered_at + dt.timedelta(days=settings.RETURN_SHIP_BACK_DAYS)
    deadline = return_request.ship_back_deadline
    if deadline is not None:
        end_of_deadline = timezone.make_aware(
            dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min)
        )
        due = max(due, end_of_deadline)
    return due


def postage_paid_by_artist(return_request: ReturnRequest) -> bool:
    """Return postage is the buyer's unless the terms or an artist-fault
    reason say otherwise."""
    terms = return_request.artist_order.terms or {}
    return (
        terms.get("return_postage_paid_by") == "artist"
        or return_request.reason in ARTIST_FAULT_REASONS
    )


def _whole_order_comes_back(return_request: ReturnRequest) -> bool:
    """Every piece of every line of the artist order is under this request
    or another one that brings it back."""
    artist_order_id = return_request.artist_order_id
    held: dict[int, int] = {}
    others = (
        ReturnRequest.objects.filter(artist_order_id=artist_order_id)
        .exclude(state__in=NOT_COMING_BACK)
        .exclude(pk=return_request.pk)
        .values_list("line_id", "quantity")
    )
    for line_id, quantity in others:
        held[line_id] = held.get(line_id, 0) + quantity
    held[return_request.line_id] = held.get(return_request.line_id, 0) + return_request.quantity
    lines = OrderLine.objects.filter(artist_order_id=artist_order_id).values_list("id", "quantity")
    return all(held.get(line_id, 0) >= quantity for line_id, quantity in lines)


def _includes_shipping(return_request: ReturnRequest) -> bool:
    """The original delivery cost is refunded with this request: the terms or
    an artist-fault reason say so, the whole artist order comes back, and no
    other request of it has had the shipping refunded already."""
    artist_order = return_request.artist_order
    terms = artist_order.terms or {}
    if artist_order.shipping_fee <= 0:
        return False
    if not (terms.get("refunds_original_shipping") or return_request.reason in ARTIST_FAULT_REASONS):
        return False
    already = (
        ReturnRequest.objects.filter(artist_order_id=artist_order.pk, refund_includes_shipping=True)
        .exclude(pk=return_request.pk)
        .exists()
    )
    return not already and _whole_order_comes_back(return_request)


def return_refund_amount(return_request: ReturnRequest) -> Decimal:
    """What the return of ``return_request`` refunds by default: the unit
    price times the quantity (less its share of a discount the artist order
    had), plus the artist order's shipping fee when the terms or an
    artist-fault reason say so and the whole artist order comes back; never
    more than what may still be refunded on the artist order."""
    rr = return_request
    artist_order = rr.artist_order
    line = rr.line
    items = to_money(line.unit_price * rr.quantity)
    if artist_order.discount > 0 and artist_order.items_total > 0:
        share = items * artist_order.discount / artist_order.items_total
        items = max(to_money(items - share), ZERO)
    amount = items
    if _includes_shipping(rr):
        amount += artist_order.shipping_fee
    return max(min(to_money(amount), to_money(artist_order.refundable)), ZERO)


def _is_buyer(return_request: ReturnRequest, user) -> bool:
    return bool(
        user is not None and user.is_authenticated and return_request.buyer_id == user.pk
    )


def _is_artist(return_request: ReturnRequest, user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and return_request.artist_order.artist.user_id == user.pk
    )


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def allowed_return_actions(*, return_request: ReturnRequest, user, now=None) -> frozenset[str]:
    """What ``user`` may do on ``return_request`` now, among ``accept,
    reject, ship_back, receive, refund, ship_replacement, convert_to_refund,
    escalate, withdraw, staff_decide``. Pages show exactly these buttons;
    the services refuse the others anyway."""
    now = now or timezone.now()
    rr = return_request
    state = rr.state
    actions: set[str] = set()
    if _is_buyer(rr, user):
        if state == R.REQUESTED:
            actions.add("withdraw")
            if answer_due_at(rr) <= now:
                actions.add("escalate")
        elif state == R.ACCEPTED:
            actions.update({"ship_back", "withdraw"})
        elif state == R.REJECTED and not _pieces_taken_again(rr):
            actions.add("escalate")
    if _is_artist(rr, user) or _is_staff(user):
        if state == R.REQUESTED:
            actions.update({"accept", "reject"})
        elif state in (R.ACCEPTED, R.IN_TRANSIT):
            actions.add("receive")
        elif state == R.RECEIVED:
            if rr.kind == ReturnKind.EXCHANGE:
                actions.update({"ship_replacement", "convert_to_refund"})
            else:
                actions.add("refund")
    if _is_staff(user) and state == R.ESCALATED:
        actions.update({"accept", "refund", "staff_decide"})
    return frozenset(actions)


# Helpers ----------------------------------------------------------------------


def _lock(return_request: ReturnRequest) -> ReturnRequest:
    """Lock the artist order, then the request (the order every service and
    ``refund_create`` take them in), and read the request afresh."""
    ArtistOrder.objects.select_for_update(of=("self",)).filter(
        pk=return_request.artist_order_id
    ).first()
    return (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("artist_order__order", "artist_order__artist", "line", "buyer")
        .get(pk=return_request.pk)
    )


def _pieces_taken_again(return_request: ReturnRequest) -> bool:
    """A rejected request gave its pieces back: whether another request of
    the buyer's has taken some of them since (escalating it would then put
    more pieces under request than the line has)."""
    line = return_request.line
    return held_quantity(line=line, exclude_pk=return_request.pk) + return_request.quantity > line.quantity


def _unchanged(caller: ReturnRequest, locked: ReturnRequest) -> None:
    """The caller decided on the state it read: when another request changed
    it meanwhile, this one lost the race (409)."""
    if caller is not locked and caller.state != locked.state:
        raise Conflict(
            _("This return request changed meanwhile: it is now “%(state)s”. Please look at it again.")
            % {"state": locked.get_state_display()},
            state=locked.state,
        )


def _sync(caller: ReturnRequest, locked: ReturnRequest) -> None:
    sync_from_locked(caller, locked, relations=("refund", "thread"))


def _conflict(return_request: ReturnRequest, message=None) -> Conflict:
    if message is None:
        message = _("This return request is now “%(state)s”: this action is no longer possible.") % {
            "state": return_request.get_state_display()
        }
    return Conflict(message, state=return_request.state)


def _require_buyer(return_request: ReturnRequest, by) -> None:
    if not _is_buyer(return_request, by):
        raise PermissionDenied(_("Only the buyer can do this."))


def _require_artist(return_request: ReturnRequest, by) -> None:
    if not (_is_artist(return_request, by) or _is_staff(by)):
        raise PermissionDenied(_("Only the artist of this order can do this."))


def _require_staff(by) -> None:
    if not _is_staff(by):
        raise PermissionDenied(_("Only the marketplace team can do this."))


def _clean_date(value, *, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError(_("Enter a valid date."), field=field) from None
    if value < timezone.localdate():
        raise DomainError(_("The date cannot be in the past."), field=field)
    return value


def _clean_amount(amount) -> Decimal:
    try:
        value = to_money(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter an amount in euros."), field="amount") from None
    if not value.is_finite() or value <= 0:
        raise DomainError(_("The amount must be more than 0."), field="amount")
    return value


def _save(return_request: ReturnRequest, *fields: str) -> None:
    return_request.save(update_fields=["state", *fields, "updated_at"])


def _log(
    return_request: ReturnRequest, *, from_state: str, transition: str, by, at, note: str = ""
) -> ReturnEvent:
    return ReturnEvent.objects.create(
        request=return_request,
        from_state=from_state,
        to_state=return_request.state,
        transition=transition,
        by=by if getattr(by, "is_authenticated", False) else None,
        at=at,
        note=note,
    )


def _system_message(return_request: ReturnRequest, *, event: str, transition: str, **context) -> None:
    """Announce the change to the apps that tell it (``hooks.status_changed``:
    the system message of the request's thread)."""
    hooks.status_changed(
        return_request=return_request,
        event=event,
        context=context,
        dedupe_key=f"return:{return_request.pk}:{transition}",
    )


def _email(return_request: ReturnRequest, *, recipient, event: str, key: str | None = None, **extra) -> None:
    notify(
        recipient=recipient,
        event=event,
        context=return_email_context(return_request=return_request, recipient=recipient, **extra),
        dedupe_key=f"{event}:{return_request.pk}:{recipient.pk}" + (f":{key}" if key else ""),
    )


def _buyer(return_request: ReturnRequest):
    return return_request.buyer


def _artist_user(return_request: ReturnRequest):
    return return_request.artist_order.artist.user


# Creating ---------------------------------------------------------------------


def _clean_photos(photos, *, reason: str) -> list:
    """The photos re-encoded without metadata, or a ``photos`` error: at
    least one for an artist-fault reason, at most five, each a real JPEG,
    PNG or WebP of at most 10 MB."""
    photos = [photo for photo in (photos or ()) if photo]
    if reason in ARTIST_FAULT_REASONS and not photos:
        raise DomainError(
            _("Add at least one photo showing the problem."), field="photos"
        )
    if len(photos) > MAX_PHOTOS:
        raise DomainError(
            _("At most %(count)s photos.") % {"count": MAX_PHOTOS}, field="photos"
        )
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(clean_image(photo))
        except ValidationError as error:
            name = getattr(photo, "name", "") or _("photo")
            raise DomainError(
                _("%(name)s: %(error)s") % {"name": name, "error": " ".join(error.messages)},
                field="photos",
            ) from None
    return cleaned


def _clean_choice(value, choices, *, field: str, message) -> str:
    value = "" if value is None else str(value).strip()
    if value not in choices.values:
        raise DomainError(message, field=field)
    return value


def _clean_quantity(quantity) -> int:
    try:
        value = int(str(quantity).strip())
    except (TypeError, ValueError):
        raise DomainError(_("Enter a whole number of pieces."), field="quantity") from None
    if value < 1:
        raise DomainError(_("Return at least one piece."), field="quantity")
    return value


def _as_id(value) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def _clean_replacement(*, artist_order: ArtistOrder, kind: str, variant, item, text: str):
    """The wanted replacement of an exchange (a variant or an item of the
    same artist, or free text); nothing for a return."""
    if kind != ReturnKind.EXCHANGE:
        return None, None, ""
    if variant is not None and not isinstance(variant, Variant):
        variant = Variant.objects.select_related("item").filter(pk=_as_id(variant)).first()
        if variant is None:
            raise DomainError(_("Choose a variant of this shop."), field="desired_replacement")
    if item is not None and not isinstance(item, Item):
        item = Item.objects.filter(pk=_as_id(item)).first()
        if item is None:
            raise DomainError(_("Choose an item of this shop."), field="desired_replacement")
    if variant is not None and variant.item.artist_id != artist_order.artist_id:
        raise DomainError(
            _("The replacement must be a variant of this artist's items."),
            field="desired_replacement",
        )
    if item is not None and item.artist_id != artist_order.artist_id:
        raise DomainError(
            _("The replacement must be one of this artist's items."), field="desired_replacement"
        )
    if variant is not None and item is None:
        item = variant.item
    if variant is None and item is None and not text:
        raise DomainError(
            _("Say what you would like instead: another size, colour or item."),
            field="desired_replacement",
        )
    return variant, item, text


def return_request_create(
    *,
    buyer,
    line: OrderLine,
    quantity,
    kind: str,
    reason: str,
    comment: str = "",
    desired_variant=None,
    desired_item=None,
    desired_text: str = "",
    photos=(),
) -> ReturnRequest:
    """The buyer asks to return or exchange ``quantity`` pieces of ``line``:
    a ``requested`` request with its photos (cleaned, private), its history
    row, its thread (with a system message), and the artist emailed.

    Eligibility and the quantity are checked under the artist order's lock,
    so two requests cannot add up to more than was bought. Nothing is stored
    when anything is wrong.

    :raises PermissionDenied: ``buyer`` did not buy ``line``.
    :raises DomainError: field ``line`` (not returnable now), ``quantity``,
        ``kind`` (unknown, or an exchange the terms do not accept),
        ``reason`` (unknown or out of its period), ``comment``,
        ``desired_replacement`` (not this artist's, or missing for an
        exchange) or ``photos`` (missing for an artist-fault reason, more
        than five, not a JPEG/PNG/WebP image, more than 10 MB).
    """
    kind = _clean_choice(kind, ReturnKind, field="kind", message=_("Choose a return or an exchange."))
    reason = _clean_choice(reason, ReturnReason, field="reason", message=_("Choose a reason."))
    quantity = _clean_quantity(quantity)
    comment = clean_text(comment, field="comment", max_length=TEXT_MAX_LENGTH, required=False)
    desired_text = clean_text(
        desired_text, field="desired_replacement", max_length=DESIRED_TEXT_MAX_LENGTH, required=False
    )
    cleaned_photos = _clean_photos(photos, reason=reason)
    stored: list[str] = []
    try:
        with transaction.atomic():
            artist_order = (
                ArtistOrder.objects.select_for_update(of=("self",))
                .select_related("order__buyer", "artist__user")
                .get(pk=line.artist_order_id)
            )
            if artist_order.order.buyer_id != getattr(buyer, "pk", None):
                raise PermissionDenied(_("Only the buyer of this order can return its items."))
            line = OrderLine.objects.get(pk=line.pk)
            line.artist_order = artist_order
            now = timezone.now()
            eligibility = line_eligibility(line=line, at=now)
            if eligibility.code in ("not_shipped", "cancelled", "refunded"):
                raise DomainError(eligibility.why_not, field="line")
            if eligibility.code == "quantity":
                raise DomainError(eligibility.why_not, field="quantity")
            if reason not in eligibility.allowed_reasons:
                raise DomainError(
                    reason_refused_text(line=line, reason=reason, eligibility=eligibility),
                    field="reason",
                )
            if quantity > eligibility.returnable_quantity:
                raise DomainError(
                    _("At most %(count)s pieces of this line can still be returned.")
                    % {"count": eligibility.returnable_quantity},
                    field="quantity",
                )
            if kind == ReturnKind.EXCHANGE and not eligibility.exchange_allowed:
                raise DomainError(
                    _("This shop does not accept exchanges: ask for a return instead."),
                    field="kind",
                )
            desired_variant, desired_item, desired_text = _clean_replacement(
                artist_order=artist_order,
                kind=kind,
                variant=desired_variant,
                item=desired_item,
                text=desired_text,
            )
            return_request = ReturnRequest.objects.create(
                artist_order=artist_order,
                artist_id=artist_order.artist_id,
                line=line,
                buyer=buyer,
                quantity=quantity,
                kind=kind,
                reason=reason,
                comment=comment,
                desired_variant=desired_variant,
                desired_item=desired_item,
                desired_text=desired_text,
                created_at=now,
            )
            for photo in cleaned_photos:
                saved = ReturnPhoto(request=return_request, created_at=now)
                saved.image.save(photo.name, photo, save=False)
                stored.append(saved.image.name)
                saved.save()
            _log(return_request, from_state="", transition="request", by=buyer, at=now, note=comment)
            _system_message(
                return_request,
                event="return_requested",
                transition="request",
                kind=kind,
                quantity=quantity,
                title=line.title,
            )
            _email(
                return_request,
                recipient=_artist_user(return_request),
                event="return_requested",
                answer_due=answer_due_at(return_request),
            )
    except BaseException:
        _delete_files(stored)
        raise
    return return_request


def _delete_files(names: list[str]) -> None:
    if not names:
        return
    storage = ReturnPhoto._meta.get_field("image").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete return photo %s after a failed request", name)


# Artist transitions ---------------------------------------------------------------


def _accept_locked(return_request: ReturnRequest, *, by, instructions, ship_back_deadline, note_decision: bool) -> None:
    rr = return_request
    instructions = clean_text(
        instructions,
        field="instructions",
        max_length=INSTRUCTIONS_MAX_LENGTH,
        required=True,
        message=_("Tell the buyer how to send the item back (address, packing...)."),
    )
    deadline = _clean_date(ship_back_deadline, field="ship_back_deadline")
    from_state = rr.state
    now = timezone.now()
    rr.accept(instructions=instructions, ship_back_deadline=deadline, at=now)
    _save(rr, "instructions", "ship_back_deadline", "answered_at")
    _log(rr, from_state=from_state, transition="accept", by=by, at=now, note=instructions)
    due_at = ship_back_due_at(rr)
    _system_message(
        rr,
        event="return_accepted",
        transition="accept",
        deadline=due_at.date().isoformat() if due_at else "",
    )
    _email(rr, recipient=_buyer(rr), event="return_accepted")
    if note_decision:
        _email(rr, recipient=_artist_user(rr), event="return_decided", decision="accept")


def return_request_accept(
    *, return_request: ReturnRequest, by, instructions: str, ship_back_deadline=None
) -> ReturnRequest:
    """The artist accepts the request (staff too, also once escalated):
    ``accepted`` with the return instructions (address, packing...) and an
    optional deadline; the buyer is emailed them.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not requested (or escalated, for staff).
    :raises DomainError: no ``instructions``; ``ship_back_deadline`` not a
        date or in the past.
    """
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _require_artist(rr, by)
        _unchanged(caller, rr)
        if rr.state == R.ESCALATED and not _is_staff(by):
            raise _conflict(rr, _("The marketplace team is deciding on this request."))
        if not can_proceed(rr.accept):
            raise _conflict(rr)
        _accept_locked(
            rr,
            by=by,
            instructions=instructions,
            ship_back_deadline=ship_back_deadline,
            note_decision=rr.state == R.ESCALATED,
        )
    _sync(caller, rr)
    return rr


def return_request_reject(*, return_request: ReturnRequest, by, reason: str) -> ReturnRequest:
    """The artist rejects the request with a reason: ``rejected``; the buyer
    is emailed and may escalate it to staff.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not requested.
    :raises DomainError: no ``reason``.
    """
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _require_artist(rr, by)
        _unchanged(caller, rr)
        if not can_proceed(rr.reject):
            raise _conflict(rr)
        reason = clean_text(
            reason,
            field="reason",
            max_length=TEXT_MAX_LENGTH,
            required=True,
            message=_("Tell the buyer why you reject this request."),
        )
        from_state = rr.state
        now = timezone.now()
        rr.reject(reason=reason, at=now)
        _save(rr, "rejection_reason", "answered_at")
        _log(rr, from_state=from_state, transition="reject", by=by, at=now, note=reason)
        _system_message(rr, event="return_rejected", transition="reject", reason=reason)
        _email(rr, recipient=_buyer(rr), event="return_rejected")
    _sync(caller, rr)
    return rr


def return_request_receive(*, return_request: ReturnRequest, by) -> ReturnRequest:
    """The artist has the item back: ``received``; the buyer is emailed
    that the refund (or the replacement) can start.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not accepted nor sent back.
    """
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _require_artist(rr, by)
        _unchanged(caller, rr)
        if not can_proceed(rr.receive):
            raise _conflict(rr)
        from_state = rr.state
        now = timezone.now()
        rr.receive(at=now)
        _save(rr, "received_at")
        _log(rr, from_state=from_state, transition="receive", by=by, at=now)
        _system_message(rr, event="return_received", transition="receive")
        _email(rr, recipient=_buyer(rr), event="return_received")
    _sync(caller, rr)
    return rr


def _refund_locked(
    return_request: ReturnRequest, *, by, amount, note: str, transition: str
) -> Refund:
    """Record the refund of a locked request and run ``transition``
    (``refund``, ``convert_to_refund`` or ``staff_refund``)."""
    rr = return_request
    note = clean_text(note, field="note", max_length=TEXT_MAX_LENGTH, required=False)
    default = return_refund_amount(rr)
    includes_shipping = _includes_shipping(rr)
    staff = _is_staff(by)
    if amount in (None, ""):
        if default <= 0:
            raise DomainError(_("Nothing is left to refund on this order."), field="amount")
        value = default
    else:
        value = _clean_amount(amount)
        if not staff and value > default:
            raise DomainError(
                _("At most %(amount)s € for this return.") % {"amount": default}, field="amount"
            )
        if not staff and value < default and not note:
            raise DomainError(
                _("Tell the buyer why the refund is lower than %(amount)s €.") % {"amount": default},
                field="note",
            )
    refundable = to_money(rr.artist_order.paid - rr.artist_order.refunded)
    if value > refundable:
        raise DomainError(
            _("At most %(amount)s € can still be refunded.") % {"amount": max(refundable, ZERO)},
            field="amount",
        )
    refund = refund_create(
        artist_order=rr.artist_order,
        amount=value,
        reason=RefundReason.RETURN,
        idempotency_key=f"return:{rr.pk}",
        by=by if getattr(by, "is_authenticated", False) else None,
        note=note,
    )
    from_state = rr.state
    now = timezone.now()
    getattr(rr, {"refund": "refund_received"}.get(transition, transition))(at=now)
    rr.refund = refund
    rr.refund_amount = refund.amount
    rr.refund_note = note
    rr.refund_includes_shipping = includes_shipping and value >= default
    _save(rr, "refund", "refund_amount", "refund_note", "refund_includes_shipping", "closed_at")
    history_note = _("%(amount)s € refunded.") % {"amount": refund.amount}
    if note:
        history_note = f"{history_note} {note}"
    _log(rr, from_state=from_state, transition=transition, by=by, at=now, note=history_note)
    event = "return_converted_to_refund" if transition == "convert_to_refund" else "return_refunded"
    _system_message(rr, event=event, transition=transition, amount=str(refund.amount))
    return refund


def return_request_refund(
    *, return_request: ReturnRequest, by, amount=None, note: str = ""
) -> Refund:
    """Refund a received return (or, for staff, an escalated request):
    ``refunded`` with a refund of ``amount`` (default
    ``return_refund_amount``) paid after commit; the buyer is emailed
    ``return_refund_confirmed`` once the provider confirms it.

    The artist may lower the amount with a ``note`` saying why, not raise
    it; staff may set any amount within what may still be refunded.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not a received return (nor escalated, for staff).
    :raises DomainError: field ``amount`` (not positive, above the default
        for the artist, above what may still be refunded) or ``note``
        (missing when the artist lowers the amount).
    """
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _require_artist(rr, by)
        _unchanged(caller, rr)
        if rr.state == R.ESCALATED:
            if not _is_staff(by):
                raise _conflict(rr, _("The marketplace team is deciding on this request."))
            refund = _staff_refund_locked(rr, by=by, amount=amount, note=note)
        else:
            if not can_proceed(rr.refund_received):
                if rr.state == R.RECEIVED:
                    raise _conflict(
                        rr, _("An exchange is refunded by converting it to a refund.")
                    )
                raise _conflict(rr)
            refund = _refund_locked(rr, by=by, amount=amount, note=note, transition="refund")
    _sync(caller, rr)
    return refund


def return_request_convert_to_refund(
    *, return_request: ReturnRequest, by, amount=None, note: str = ""
) -> Refund:
    """The artist refunds a received exchange instead of shipping a
    replacement (out of stock, price difference...): ``refunded``, with the
    amount rules of ``return_request_refund``.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not a received exchange.
    :raises DomainError: as ``return_request_refund``.
    """
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _require_artist(rr, by)
        _unchanged(caller, rr)
        if not can_proceed(rr.convert_to_refund):
            if rr.state == R.RECEIVED:
                raise _conflict(rr, _("Only an exchange can be converted to a refund."))
            raise _conflict(rr)
        refund = _refund_locked(
            rr, by=by, amount=amount, note=note, transition="convert_to_refund"
        )
    _sync(caller, rr)
    return refund


def return_request_ship_replacement(
    *, return_request: ReturnRequest, by, carrier: str, tracking_number: str
) -> ReturnRequest:
    """The artist ships the replacement of a received exchange:
    ``replacement_shipped``; the buyer is emailed the tracking.

    :raises PermissionDenied: ``by`` is not the artist (or staff).
    :raises Conflict: not a received exchange.
    :raises DomainError: carrier or tracking number missing.
    """
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _require_artist(rr, by)
        _unchanged(caller, rr)
        if not can_proceed(rr.ship_replacement):
            if rr.state == R.RECEIVED:
                raise _conflict(rr, _("Only an exchange gets a replacement."))
            raise _conflict(rr)
        carrier, tracking_number = clean_tracking(carrier, tracking_number)
        from_state = rr.state
        now = timezone.now()
        rr.ship_replacement(carrier=carrier, tracking_number=tracking_number, at=now)
        _save(rr, "replacement_carrier", "replacement_tracking_number", "closed_at")
        _log(
            rr,
            from_state=from_state,
            transition="ship_replacement",
            by=by,
            at=now,
            note=f"{carrier} {tracking_number}",
        )
        _system_message(
            rr,
            event="return_replacement_shipped",
            transition="ship_replacement",
            carrier=carrier,
            tracking_number=tracking_number,
        )
        _email(rr, recipient=_buyer(rr), event="return_replacement_shipped")
    _sync(caller, rr)
    return rr


# Buyer transitions ----------------------------------------------------------------


def return_request_ship_back(
    *, return_request: ReturnRequest, by, carrier: str, tracking_number: str
) -> ReturnRequest:
    """The buyer sends the item back: ``in_transit`` with the carrier and
    tracking number; the artist is emailed.

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: not accepted.
    :raises DomainError: carrier or tracking number missing.
    """
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _require_buyer(rr, by)
        _unchanged(caller, rr)
        if not can_proceed(rr.ship_back):
            raise _conflict(rr)
        carrier, tracking_number = clean_tracking(carrier, tracking_number)
        from_state = rr.state
        now = timezone.now()
        rr.ship_back(carrier=carrier, tracking_number=tracking_number, at=now)
        _save(rr, "return_carrier", "return_tracking_number", "shipped_back_at")
        _log(
            rr,
            from_state=from_state,
            transition="ship_back",
            by=by,
            at=now,
            note=f"{carrier} {tracking_number}",
        )
        _system_message(
            rr,
            event="return_shipped_back",
            transition="ship_back",
            carrier=carrier,
            tracking_number=tracking_number,
        )
        _email(rr, recipient=_artist_user(rr), event="return_shipped_back")
    _sync(caller, rr)
    return rr


def return_request_withdraw(*, return_request: ReturnRequest, by) -> ReturnRequest:
    """The buyer withdraws the request (before sending anything back):
    ``withdrawn``, its pieces free again; the artist is emailed.

    :raises PermissionDenied: ``by`` is not the buyer.
    :raises Conflict: not requested nor accepted.
    """
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _require_buyer(rr, by)
        _unchanged(caller, rr)
        if not can_proceed(rr.withdraw):
            raise _conflict(rr)
        from_state = rr.state
        now = timezone.now()
        rr.withdraw(at=now)
        _save(rr, "closed_at")
        _log(rr, from_state=from_state, transition="withdraw", by=by, at=now)
        _system_message(rr, event="return_withdrawn", transition="withdraw")
        _email(rr, recipient=_artist_user(rr), event="return_withdrawn")
    _sync(caller, rr)
    return rr


def return_request_escalate(
    *, return_request: ReturnRequest, by, message: str = "", now=None
) -> ReturnRequest:
    """Pass the request to staff: ``escalated``. The buyer does it with a
    message once the artist rejected it, or left it unanswered for
    ``RETURN_ANSWER_DAYS``; the system (``by=None``, the periodic job) does
    it for unanswered requests. The artist is emailed (and the buyer, when
    the system escalates).

    :raises PermissionDenied: ``by`` is neither the buyer nor the system.
    :raises Conflict: not rejected nor requested, requested and the artist
        still has time to answer, or rejected and some of its pieces are
        under another request since.
    :raises DomainError: no ``message`` from the buyer.
    """
    now = now or timezone.now()
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        if by is not None:
            _require_buyer(rr, by)
        _unchanged(caller, rr)
        if not can_proceed(rr.escalate) or (by is None and rr.state != R.REQUESTED):
            raise _conflict(rr)
        if rr.state == R.REQUESTED and answer_due_at(rr) > now:
            raise _conflict(
                rr,
                _("The artist has until %(date)s to answer this request.")
                % {"date": format_date(answer_due_at(rr))},
            )
        if rr.state == R.REJECTED and _pieces_taken_again(rr):
            raise _conflict(
                rr,
                _(
                    "Some of these pieces are under another return request now: "
                    "that request goes on, this one cannot be passed to the marketplace team."
                ),
            )
        if by is not None:
            message = clean_text(
                message,
                field="message",
                max_length=TEXT_MAX_LENGTH,
                required=True,
                message=_("Tell the marketplace team what went wrong."),
            )
        else:
            message = ""
        from_state = rr.state
        at = timezone.now()
        rr.escalate(message=message, at=at)
        _save(rr, "escalation_message", "escalated_at")
        note = message or _("No answer from the artist in time.")
        _log(rr, from_state=from_state, transition="escalate", by=by, at=at, note=note)
        _system_message(rr, event="return_escalated", transition="escalate")
        _email(rr, recipient=_artist_user(rr), event="return_escalated", by_system=by is None)
        if by is None:
            _email(rr, recipient=_buyer(rr), event="return_escalated", by_system=True)
    _sync(caller, rr)
    return rr


# System and staff -----------------------------------------------------------------


def return_request_expire(*, return_request: ReturnRequest, now=None) -> ReturnRequest:
    """Nothing was sent back in time (system): ``expired``, its pieces free
    again; the buyer is emailed.

    :raises Conflict: not accepted, or its time is not over.
    """
    now = now or timezone.now()
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _unchanged(caller, rr)
        if not can_proceed(rr.expire):
            raise _conflict(rr)
        due_at = ship_back_due_at(rr)
        if due_at is not None and due_at > now:
            raise _conflict(rr, _("The buyer still has time to send the item back."))
        from_state = rr.state
        at = timezone.now()
        rr.expire(at=at)
        _save(rr, "closed_at")
        _log(rr, from_state=from_state, transition="expire", by=None, at=at)
        _system_message(rr, event="return_expired", transition="expire")
        _email(rr, recipient=_buyer(rr), event="return_expired")
    _sync(caller, rr)
    return rr


def _staff_refund_locked(return_request: ReturnRequest, *, by, amount, note: str) -> Refund:
    refund = _refund_locked(return_request, by=by, amount=amount, note=note, transition="staff_refund")
    for recipient in (_buyer(return_request), _artist_user(return_request)):
        _email(
            return_request,
            recipient=recipient,
            event="return_decided",
            decision="refund",
            decision_note=note,
        )
    return refund


def return_request_staff_decide(
    *,
    return_request: ReturnRequest,
    by,
    decision: str,
    instructions: str = "",
    amount=None,
    note: str = "",
):
    """Staff decide on an escalated request: ``accept`` (with return
    instructions, as an artist would), ``refund`` (any amount within what may
    still be refunded; default ``return_refund_amount``) or ``close``
    (nothing more happens; ``note`` says why). The buyer and the artist are
    emailed the decision. Returns the request (the ``Refund`` for
    ``refund``).

    :raises PermissionDenied: ``by`` is not staff.
    :raises Conflict: not escalated.
    :raises DomainError: unknown ``decision``; as the accept and refund
        services for their fields.
    """
    if decision not in STAFF_DECISIONS:
        raise DomainError(_("Choose accept, refund or close."), field="decision")
    with transaction.atomic():
        caller, rr = return_request, _lock(return_request)
        _require_staff(by)
        _unchanged(caller, rr)
        if rr.state != R.ESCALATED:
            raise _conflict(rr)
        result = rr
        if decision == "accept":
            _accept_locked(
                rr,
                by=by,
                instructions=instructions,
                ship_back_deadline=None,
                note_decision=True,
            )
        elif decision == "refund":
            result = _staff_refund_locked(rr, by=by, amount=amount, note=note)
        else:
            note = clean_text(note, field="note", max_length=TEXT_MAX_LENGTH, required=False)
            from_state = rr.state
            now = timezone.now()
            rr.staff_close(at=now)
            _save(rr, "closed_at")
            _log(rr, from_state=from_state, transition="staff_close", by=by, at=now, note=note)
            _system_message(rr, event="return_closed", transition="staff_close")
            for recipient in (_buyer(rr), _artist_user(rr)):
                _email(rr, recipient=recipient, event="return_decided", decision="close", decision_note=note)
    _sync(caller, rr)
    return result


# Refund confirmation (called by the orders refund processing) ------------------------


def return_refund_confirmed(*, refund: Refund) -> bool:
    """The provider paid ``refund``: when it is the refund of a return
    request, email the buyer ``return_refund_confirmed`` (once). Returns
    whether it was the refund of a return."""
    if refund.reason != RefundReason.RETURN:
        return False
    rr = (
        ReturnRequest.objects.select_related("artist_order__order", "artist_order__artist", "line", "buyer")
        .filter(refund_id=refund.pk)
        .first()
    )
    if rr is None:
        return False
    with transaction.atomic():
        _email(rr, recipient=_buyer(rr), event="return_refund_confirmed", key=str(refund.pk))
    return True
