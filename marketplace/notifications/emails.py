"""Rendering of outbox emails: subject, text and HTML bodies of
``templates/emails/<event>_*`` in the recipient's language.

The templates are rendered by the project's Django template engine with one
difference: ``{% load i18n %}`` loads ``template_i18n``, the same tags with
each translation looked up once per language (a quarter of the rendering
time of an email). That engine mirrors the project's (same folders,
loaders, libraries and options) and is built again when the project's
engine is (changed ``TEMPLATES``), when settings change in tests, and when
a template or catalog file changes under the development server.
"""

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.utils import DNS_NAME
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context, Engine, engines
from django.template.backends.django import DjangoTemplates
from django.template.utils import get_app_template_dirs
from django.utils import autoreload, translation

logger = logging.getLogger(__name__)

I18N_LIBRARY = "marketplace.notifications.template_i18n"

_lock = threading.Lock()
_engine: tuple | None = None  # (the project's engine, the email engine)


def email_engine() -> Engine:
    """The engine that renders the emails (see the module's docstring)."""
    global _engine
    base = next(e.engine for e in engines.all() if isinstance(e, DjangoTemplates))
    built = _engine
    if built is not None and built[0] is base:
        return built[1]
    with _lock:
        engine = Engine(
            dirs=base.dirs,
            loaders=base.loaders,
            debug=base.debug,
            string_if_invalid=base.string_if_invalid,
            file_charset=base.file_charset,
            libraries={**base.libraries, "i18n": I18N_LIBRARY},
            builtins=[b for b in base.builtins if b not in Engine.default_builtins],
            autoescape=base.autoescape,
        )
        _engine = (base, engine)
    return engine


def render(notification) -> tuple[str, str, str]:
    """Subject, text body and HTML body of a notification, in its language."""
    engine = email_engine()
    autoescape = engine.autoescape
    values = {
        **notification.context,
        "recipient": notification.recipient,
        "site_url": settings.SITE_URL,
    }
    # A context comes back from JSON: amounts and dates are strings made in
    # the reader's language when it was recorded (``formatting``), the only
    # numbers left are counts (ints), which every language prints alike
    # unless thousands are grouped. Leaving Django's per-value number
    # formatting off then changes no character and saves a fifth of the
    # rendering.
    use_l10n = None if settings.USE_THOUSAND_SEPARATOR else False
    base = f"emails/{notification.event}"
    with translation.override(notification.language):
        subject, text, html = (
            engine.get_template(f"{base}_{part}")
            .render(Context(values, autoescape=autoescape, use_l10n=use_l10n))
            for part in ("subject.txt", "body.txt", "body.html")
        )
    return " ".join(subject.split()), text, html


def warm_up() -> None:
    """Do once what the first emails of every worker process would do:
    build the engines, compile every email template, load the catalogs of
    every language and find the host name of the Message-ID header. Called
    in the worker's main process before it forks its pool (``tasks``), so
    that each process starts with them (about 80 ms of the first emails)."""
    engine = email_engine()
    names = sorted(
        {
            f"emails/{path.name}"
            for directory in [*engine.dirs, *get_app_template_dirs("templates")]
            for path in Path(directory, "emails").glob("*")
            # Templates only (makemessages leaves a passing "<name>.py" beside them).
            if path.is_file() and path.suffix in (".txt", ".html")
        }
    )
    for name in names:
        try:
            engine.get_template(name)
        except Exception:  # a broken template fails its own emails, not the worker
            logger.exception("Email template %s could not be compiled", name)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            pass
    str(DNS_NAME)


def _forget_engine(**kwargs) -> None:
    global _engine
    _engine = None


# Tests change settings (templates folders, languages, catalogs): start over.
receiver(setting_changed)(_forget_engine)
# The development server reloads templates and catalogs without restarting.
receiver(autoreload.file_changed)(_forget_engine)
