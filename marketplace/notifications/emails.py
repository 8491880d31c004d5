"""Rendering of outbox emails: subject, text and HTML bodies of
``templates/emails/<event>_*``, in the recipient's language, with Django's
template engine."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render(notification) -> tuple[str, str, str]:
    """Subject, text body and HTML body of a notification, in its language."""
    context = {
        **notification.context,
        "recipient": notification.recipient,
        "site_url": settings.SITE_URL,
    }
    base = f"emails/{notification.event}"
    with translation.override(notification.language):
        subject = render_to_string(f"{base}_subject.txt", context)
        text = render_to_string(f"{base}_body.txt", context)
        html = render_to_string(f"{base}_body.html", context)
    return " ".join(subject.split()), text, html
