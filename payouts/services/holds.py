"""Staff holds and releases an artist's payouts, with a logged reason; staff
sets commission rates and adjusts balances."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from artists.models import Artist
from marketplace.errors import Conflict, DomainError
from marketplace.transitions import clean_text

from ..models import CommissionDefault, PayoutAccount, PayoutHoldEvent
from .ledger import record_adjustment

REASON_MAX_LENGTH = 2000


def _require_staff(by) -> None:
    if not (by is not None and by.is_authenticated and by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the marketplace team can do this."))


def accounts_create_missing() -> int:
    """Create the payout account of every artist that has none yet (as a
    payout run does for the artists it pays), so that the balance list has
    one row per artist. Idempotent and safe to race. Returns how many
    artists had none."""
    missing = list(
        Artist.objects.filter(payout_account__isnull=True).values_list("pk", flat=True)
    )
    if missing:
        PayoutAccount.objects.bulk_create(
            [PayoutAccount(artist_id=pk) for pk in missing], ignore_conflicts=True
        )
    return len(missing)


def account_get_or_create(*, artist) -> PayoutAccount:
    account, _created = PayoutAccount.objects.get_or_create(artist=artist)
    return account


def _reason(reason) -> str:
    return clean_text(
        reason,
        field="reason",
        max_length=REASON_MAX_LENGTH,
        required=True,
        message=_("Say why: the reason is kept with the hold."),
    )


def payouts_hold(*, artist, by, reason: str) -> PayoutAccount:
    """Stop paying ``artist`` until released; the reason is logged and shown
    to the artist.

    :raises Conflict: already held.
    """
    _require_staff(by)
    reason = _reason(reason)
    account_get_or_create(artist=artist)
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().get(artist=artist)
        if account.held:
            raise Conflict(_("This artist's payouts are already held."), state="held")
        account.held = True
        account.hold_reason = reason
        account.save(update_fields=["held", "hold_reason", "updated_at"])
        PayoutHoldEvent.objects.create(
            account=account, action=PayoutHoldEvent.Action.HOLD, reason=reason, by=by
        )
    return account


def payouts_release(*, artist, by, reason: str) -> PayoutAccount:
    """Pay ``artist`` again from the next run; the reason is logged.

    :raises Conflict: not held.
    """
    _require_staff(by)
    reason = _reason(reason)
    account_get_or_create(artist=artist)
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().get(artist=artist)
        if not account.held:
            raise Conflict(_("This artist's payouts are not held."), state="active")
        account.held = False
        account.hold_reason = ""
        account.save(update_fields=["held", "hold_reason", "updated_at"])
        PayoutHoldEvent.objects.create(
            account=account,
            action=PayoutHoldEvent.Action.RELEASE,
            reason=reason,
            by=by,
        )
    return account


def _rate(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(
            _("Enter a rate such as 0.12 for 12 %."), field="rate"
        ) from None
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise DomainError(_("A rate is between 0 and 1 (0.12 = 12 %)."), field="rate")
    return rate.quantize(Decimal("0.0001"))


def commission_default_set(*, rate, by) -> CommissionDefault:
    """Staff sets the marketplace's default commission (for payments from now
    on; artist orders already paid keep the rate they were paid at)."""
    _require_staff(by)
    value = _rate(rate)
    if value is None:
        raise DomainError(_("Enter a rate such as 0.12 for 12 %."), field="rate")
    setting, _created = CommissionDefault.objects.update_or_create(
        pk=1, defaults={"rate": value, "updated_by": by}
    )
    return setting


def commission_rate_set(*, artist, rate, by) -> PayoutAccount:
    """Staff sets ``artist``'s own commission rate (None: the default)."""
    _require_staff(by)
    value = _rate(rate)
    account = account_get_or_create(artist=artist)
    PayoutAccount.objects.filter(pk=account.pk).update(commission_rate=value)
    account.commission_rate = value
    return account


def adjustment_create(*, artist, amount, reason: str, by, token: str = ""):
    """Staff adds (or takes back, negative) ``amount`` to what is owed to
    ``artist``, with the reason. ``token`` makes a form sent twice count once."""
    _require_staff(by)
    reason = clean_text(
        reason,
        field="reason",
        max_length=REASON_MAX_LENGTH,
        required=True,
        message=_("Say why: the artist reads it in the ledger."),
    )
    key = f"adjustment:{artist.pk}:{token or uuid.uuid4()}"
    with transaction.atomic():
        return record_adjustment(
            artist_id=artist.pk, amount=amount, memo=reason, by=by, key=key
        )
