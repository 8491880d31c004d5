"""What only staff does that spans several apps: suspending and
reinstating an account (code of conduct), with the staff's trace.

Staff's other actions live with what they act on: the artist orders'
(``orders.services.staff``), the return requests' decisions
(``returns.services``) and the moderation of messages (``messaging.services``).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import user_reactivate, user_suspend
from marketplace.errors import DomainError
from messaging.models import StaffActionKind
from messaging.services import require_staff, staff_action_record


def account_suspend(*, user, by, reason: str):
    """Staff suspends an account (code of conduct) with a reason: it can no
    longer log in, its API token is revoked and, for an artist, its shop
    leaves the catalog and takes no order. Recorded with its author.

    :raises DomainError: when ``by`` is not staff, without a reason, or on
        its own account.
    """
    require_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the suspension."), field="reason")
    with transaction.atomic():
        was_active = type(user).objects.filter(pk=user.pk, is_active=True).exists()
        user_suspend(user=user, by=by, reason=reason)
        if was_active:
            staff_action_record(
                by=by, action=StaffActionKind.SUSPEND, target=user, reason=reason
            )
    return user


def account_reinstate(*, user, by, reason: str = ""):
    """Staff lifts a suspension; recorded with its author.

    :raises DomainError: when ``by`` is not staff.
    """
    require_staff(by)
    with transaction.atomic():
        was_suspended = type(user).objects.filter(pk=user.pk, is_active=False).exists()
        user_reactivate(user=user, by=by)
        if was_suspended:
            staff_action_record(
                by=by,
                action=StaffActionKind.REINSTATE,
                target=user,
                reason=(reason or "").strip(),
            )
    return user
