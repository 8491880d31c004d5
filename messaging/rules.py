"""Who may do what with a message now (decisions that change nothing)."""

from __future__ import annotations

from .models import Message


def may_report(message: Message, user) -> bool:
    """``user`` takes part in the thread and may report ``message`` to the
    marketplace team: written by the other side, not reported yet, shown."""
    return bool(
        user.is_authenticated
        and message.thread.is_participant(user)
        and message.author_id is not None
        and message.author_id != user.pk
        and not message.system
        and not message.is_staff_post
        and message.hidden_at is None
        and message.flagged_at is None
    )


def may_withdraw_report(message: Message, user) -> bool:
    """``user`` reported ``message`` and staff has not decided yet."""
    return bool(
        user.is_authenticated
        and message.flagged_by_id == user.pk
        and message.report_is_open
    )
