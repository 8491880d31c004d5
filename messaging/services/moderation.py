"""What staff does in the conversations: hide or flag an abusive message
(participants report one too, with a reason, and may withdraw the report
until staff decides), and dismiss a report that asks nothing of the team;
each staff action recorded with its author in the staff's trace
(``StaffAction``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError

from ..models import Message, ReportReason, StaffAction, StaffActionKind


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


def message_flag(
    *, message: Message, by, reason: str = "", category: str = ""
) -> Message:
    """Flag a message for the staff's escalation queue: staff (recorded as a
    staff action) or a participant reporting an abusive message sent to it,
    with why (``category``, a ``ReportReason``) and what it adds (``reason``).
    A message already flagged stays as it is, and so does one whose report
    staff has dismissed.

    :raises DomainError: when ``by`` is neither staff nor a participant of
        the thread, or reports its own message, or on an unknown
        ``category``.
    """
    reason = (reason or "").strip()
    category = (category or "").strip()
    if category and category not in ReportReason.values:
        raise DomainError(_("Choose why you report this message."), field="category")
    with transaction.atomic():
        locked = (
            Message.objects.select_for_update(of=("self",))
            .select_related("thread__artist")
            .get(pk=message.pk)
        )
        if locked.thread.kind == "support":  # already with the team
            raise DomainError(_("A support thread is already with the team."))
        if not by.is_staff:
            if (
                not locked.thread.is_participant(by)
                or locked.system
                or locked.is_staff_post
            ):
                raise DomainError(_("You cannot report this message."))
            if locked.author_id == by.pk:
                raise DomainError(_("You cannot report your own message."))
        if locked.flagged_at is None:
            locked.flagged_at = timezone.now()
            locked.flagged_by = by
            locked.flagged_reason = reason
            locked.flagged_category = category
            locked.save(
                update_fields=[
                    "flagged_at",
                    "flagged_by",
                    "flagged_reason",
                    "flagged_category",
                ]
            )
            if by.is_staff:
                staff_action_record(
                    by=by, action=StaffActionKind.FLAG, target=locked, reason=reason
                )
    _copy_report(locked, message)
    return message


REPORT_FIELDS = [
    "flagged_at",
    "flagged_by",
    "flagged_reason",
    "flagged_category",
    "flag_dismissed_at",
    "flag_dismissed_by",
    "flag_dismissed_note",
]


def _copy_report(source: Message, message: Message) -> None:
    for name in REPORT_FIELDS:
        setattr(message, name, getattr(source, name))


def message_flag_withdraw(*, message: Message, by) -> Message:
    """Whoever reported ``message`` takes the report back while staff has not
    decided (neither hidden nor dismissed): it leaves the escalation queue
    as if never made, and the message may be reported again.

    :raises DomainError: when ``by`` did not report it, or staff has decided.
    """
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.flagged_at is None:
            _copy_report(locked, message)
            return message  # already withdrawn: nothing left to undo
        if locked.flagged_by_id != by.pk:
            raise DomainError(_("Only who reported this message can withdraw it."))
        if not locked.report_is_open:
            raise DomainError(
                _("The marketplace team has already decided on this report.")
            )
        locked.flagged_at = None
        locked.flagged_by = None
        locked.flagged_reason = ""
        locked.flagged_category = ""
        locked.save(
            update_fields=[
                "flagged_at",
                "flagged_by",
                "flagged_reason",
                "flagged_category",
            ]
        )
    _copy_report(locked, message)
    return message


def message_flag_dismiss(*, message: Message, by, note: str = "") -> Message:
    """Staff decides a reported message may stay: the report leaves the
    escalation queue and the decision is kept (who, when, ``note``) on the
    message and in the staff's trace. Dismissing twice changes nothing.

    :raises DomainError: when ``by`` is not staff, the message is not
        reported, or it is hidden already.
    """
    require_staff(by)
    note = (note or "").strip()
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.flagged_at is None:
            raise DomainError(_("Nobody has reported this message."))
        if locked.hidden_at is not None:
            raise DomainError(_("This message is hidden already."))
        if locked.flag_dismissed_at is None:
            locked.flag_dismissed_at = timezone.now()
            locked.flag_dismissed_by = by
            locked.flag_dismissed_note = note
            locked.save(
                update_fields=[
                    "flag_dismissed_at",
                    "flag_dismissed_by",
                    "flag_dismissed_note",
                ]
            )
            staff_action_record(
                by=by, action=StaffActionKind.DISMISS_FLAG, target=locked, reason=note
            )
    _copy_report(locked, message)
    return message
