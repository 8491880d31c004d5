from django import template
from django.utils.translation import ngettext

from ..rendering import message_text as _message_text
from ..selectors import artist_reply_time as _artist_reply_time

register = template.Library()


@register.simple_tag(takes_context=True)
def message_text(context, message):
    """The text of ``message`` for the user viewing the page, in its language."""
    request = context.get("request")
    return _message_text(message, viewer=getattr(request, "user", None))


@register.simple_tag
def artist_reply_time(artist, days=30):
    """The artist's median time to a first answer over the last ``days`` days
    (a timedelta), or None."""
    return _artist_reply_time(artist=artist, days=days)


@register.filter
def duration(value) -> str:
    """A timedelta in words: minutes under two hours, hours under two days,
    else days."""
    if value is None:
        return ""
    minutes = max(int(value.total_seconds() // 60), 1)
    if minutes < 120:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {
            "count": minutes
        }
    hours = round(minutes / 60)
    if hours < 48:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = round(hours / 24)
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
