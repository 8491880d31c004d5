"""Conversations: starting a thread, posting, reading (``threads``), the
system messages of state changes (``system``) and moderation
(``moderation``). Every door (pages, API, admin actions) calls these
functions; import them from here."""

from .moderation import (
    message_flag,
    message_flag_dismiss,
    message_flag_withdraw,
    message_hide,
    require_staff,
    staff_action_record,
)
from .support import support_side_for, support_thread_open
from .support_emails import SUPPORT_ANSWERED_EVENT, SUPPORT_MESSAGE_EVENT
from .system import system_message_post
from .threads import (
    BODY_MAX_LENGTH,
    NEW_MESSAGE_EVENT,
    SUBJECT_MAX_LENGTH,
    artist_order_message_post,
    artist_order_threads_mark_read,
    message_post,
    return_request_message_post,
    thread_for_artist_order,
    thread_for_return_request,
    thread_mark_read,
    thread_start,
)

__all__ = [
    "BODY_MAX_LENGTH",
    "NEW_MESSAGE_EVENT",
    "SUPPORT_ANSWERED_EVENT",
    "SUPPORT_MESSAGE_EVENT",
    "SUBJECT_MAX_LENGTH",
    "artist_order_message_post",
    "artist_order_threads_mark_read",
    "message_flag",
    "message_flag_dismiss",
    "message_flag_withdraw",
    "message_hide",
    "message_post",
    "require_staff",
    "return_request_message_post",
    "staff_action_record",
    "support_side_for",
    "support_thread_open",
    "system_message_post",
    "thread_for_artist_order",
    "thread_for_return_request",
    "thread_mark_read",
    "thread_start",
]
