"""How long ago something happened, in words that never read "0 minutes":
``{{ when|ago }}`` ("3 hours ago", "just now"; ``|ago:now`` to pass the
page's clock) and ``{{ since|waited }}`` ("3 hours", "less than a minute")."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()

A_MINUTE = timedelta(minutes=1)


def _elapsed(value, now) -> timedelta | None:
    if value is None:
        return None
    return (now or timezone.now()) - value


@register.filter
def ago(value, now=None) -> str:
    """``value`` as "3 hours ago", or "just now" under a minute (and for a
    time a little ahead of the clock)."""
    elapsed = _elapsed(value, now)
    if elapsed is None:
        return ""
    if elapsed < A_MINUTE:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, now)}


@register.filter
def waited(value, now=None) -> str:
    """How long since ``value``: "3 hours", or "less than a minute"."""
    elapsed = _elapsed(value, now)
    if elapsed is None:
        return ""
    if elapsed < A_MINUTE:
        return _("less than a minute")
    return timesince(value, now)
