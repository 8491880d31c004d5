"""What staff does in the conversations: hide or flag an abusive message
(participants may flag too), each recorded with its author in the staff's
trace (``StaffAction``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError

from ..models import Message, StaffAction, StaffActionKind


def require_staff(user) -> None:
    if not (user is not None and user.is_authenticated and user.is_staff):
        raise DomainError(_("Only the marketplace team can do this."))


def staff_action_record(*, by, action: str, target, reason: str) -> StaffAction:
    return StaffAction.objects.create(
        by=by,
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        reason=reason,
    )


def message_hide(*, message: Message, by, reason: str = "") -> Message:
    """Staff hides an abusive message: kept for the record, shown to the
    participants as hidden by the team. Recorded with its author.

    :raises DomainError: when ``by`` is not staff.
    """
    require_staff(by)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.hidden_at is None:
            locked.hidden_at = timezone.now()
            locked.hidden_by = by
            locked.hidden_reason = reason
            locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
            staff_action_record(
                by=by, action=StaffActionKind.HIDE, target=locked, reason=reason
            )
    message.hidden_at, message.hidden_by, message.hidden_reason = (
        locked.hidden_at,
        locked.hidden_by,
        locked.hidden_reason,
    )
    return message


def message_flag(*, message: Message, by, reason: str = "") -> Message:
    """Flag a message for the staff's escalation queue: staff (recorded as a
    staff action) or a participant reporting an abusive message sent to it.

    :raises DomainError: when ``by`` is neither staff nor a participant of
        the thread, or reports its own message.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            Message.objects.select_for_update(of=("self",))
            .select_related("thread__artist")
            .get(pk=message.pk)
        )
        if not by.is_staff:
            if not locked.thread.is_participant(by):
                raise DomainError(_("You cannot report this message."))
            if locked.author_id == by.pk:
                raise DomainError(_("You cannot report your own message."))
        if locked.flagged_at is None:
            locked.flagged_at = timezone.now()
            locked.flagged_by = by
            locked.flagged_reason = reason
            locked.save(update_fields=["flagged_at", "flagged_by", "flagged_reason"])
            if by.is_staff:
                staff_action_record(
                    by=by, action=StaffActionKind.FLAG, target=locked, reason=reason
                )
    message.flagged_at, message.flagged_by, message.flagged_reason = (
        locked.flagged_at,
        locked.flagged_by,
        locked.flagged_reason,
    )
    return message
