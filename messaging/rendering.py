"""Text of system messages, in the language of whoever reads them."""

import re

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.sentences import format_stored_values

EVENT_NAME = re.compile(r"^[a-z0-9_]{1,60}$")


def system_text(message, *, language: str | None = None) -> str:
    """The sentence of a system message, from
    ``templates/messaging/system/<event>.txt`` with its stored context, in
    ``language`` (default: the active one), its amounts and dates written
    that language's way (``marketplace.sentences``)."""
    if language is not None:
        with translation.override(language):
            return system_text(message)
    event = message.event or ""
    if EVENT_NAME.match(event):
        try:
            text = render_to_string(
                f"messaging/system/{event}.txt",
                format_stored_values(message.context or {}),
            )
        except TemplateDoesNotExist:
            text = ""
        text = " ".join(text.split())
        if text:
            return text
    return message.body or _("The status of this conversation's subject changed.")


def message_text(message, *, viewer) -> str:
    """What ``viewer`` reads as the text of ``message``: the system sentence
    in its language, nothing for a message hidden by the team (except for
    staff), else the body."""
    if message.hidden_at is not None and not getattr(viewer, "is_staff", False):
        return ""
    if message.system:
        return system_text(message)
    return message.body
