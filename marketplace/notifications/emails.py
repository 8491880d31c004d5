"""Rendering of outbox emails: subject, text and HTML bodies of
``templates/emails/<event>_*``, in the recipient's language, with Django's
template engine; and the message itself, with the headers that make every
attempt the same message (``Message-ID``, idempotency key)."""

import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

# Providers (by EMAIL_BACKEND) that drop a second request carrying the same
# idempotency key, and where anymail lets it through: the email header that
# carries it. Brevo reads ``headers.idempotencyKey`` of its send request,
# which is where anymail puts extra headers. Resend reads the
# ``Resend-Idempotency-Key`` header of an email sent by SMTP (its API wants
# an HTTP header, which anymail's Resend backend does not let through).
# NOTIFICATION_IDEMPOTENCY_HEADER (a setting) names another one, or "" for none.
IDEMPOTENCY_HEADERS = {
    "anymail.backends.brevo.EmailBackend": "idempotencyKey",
    "anymail.backends.sendinblue.EmailBackend": "idempotencyKey",
}
SMTP_IDEMPOTENCY_HEADERS = {"resend.com": "Resend-Idempotency-Key"}


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


def build_message(notification) -> EmailMultiAlternatives:
    """The email of ``notification``: rendered in its language, with its own
    ``Message-ID`` (the same at every attempt) and, for a provider that
    honours one, its idempotency key."""
    subject, text, html = render(notification)
    headers = {"Message-ID": notification.message_id}
    header = idempotency_header()
    if header:
        headers[header] = idempotency_key(notification)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def idempotency_key(notification) -> str:
    """A UUID derived from the ``Message-ID``: the same at every attempt,
    in the form providers recommend."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, notification.message_id))


def idempotency_header() -> str | None:
    """The email header that carries the idempotency key to the configured
    provider, or None when it takes none (see ``IDEMPOTENCY_HEADERS``)."""
    configured = getattr(settings, "NOTIFICATION_IDEMPOTENCY_HEADER", None)
    if configured is not None:
        return configured or None
    backend = settings.EMAIL_BACKEND
    if backend in IDEMPOTENCY_HEADERS:
        return IDEMPOTENCY_HEADERS[backend]
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        host = (getattr(settings, "EMAIL_HOST", "") or "").lower()
        for domain, header in SMTP_IDEMPOTENCY_HEADERS.items():
            if host == domain or host.endswith("." + domain):
                return header
    return None
