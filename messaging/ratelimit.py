"""Burst limit of messages per user (django-ratelimit, counted in the cache)."""

import logging

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

GROUP = "messaging.post"


class MessageBurstExceeded(Exception):
    """Too many messages in a short time; ``wait`` seconds until allowed."""

    def __init__(self, wait: int):
        self.wait = max(int(wait), 1)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "You are sending messages too fast. Please wait %(seconds)s seconds "
            "and send it again."
        ) % {"seconds": self.wait}


def _user_key(group, request) -> str:
    return str(request.user.pk)


def check_message_burst(request) -> None:
    """Count one message for the logged-in user of ``request``.

    :raises MessageBurstExceeded: beyond ``MESSAGE_BURST_RATE`` (e.g. 10/m).
    """
    try:
        usage = get_usage(
            request,
            group=GROUP,
            key=_user_key,
            rate=settings.MESSAGE_BURST_RATE,
            increment=True,
        )
    except Exception as error:  # the cache is down: messages go on unlimited
        logger.warning(
            "Message burst limit unavailable (%s: %s)", type(error).__name__, error
        )
        return
    if usage and usage["should_limit"]:
        raise MessageBurstExceeded(wait=usage.get("time_left") or 60)
