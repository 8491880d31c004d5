"""The support threads of the escalation queue: those whose opener waits
for the team's answer (the last message is not from staff), the longest
waiting first; one query whatever the number of rows."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.translation import gettext as _

from messaging.models import SupportSide
from messaging.selectors import support_threads_waiting


def support_waiting(now) -> QuerySet:
    return support_threads_waiting()


def support_row(thread, now, *, row_class):
    """The queue's row of a support thread waiting for an answer."""
    opener = thread.buyer
    side = _("an artist") if thread.opened_as == SupportSide.ARTIST else _("a buyer")
    title = _("Support: “%(subject)s” — %(who)s, %(side)s") % {
        "subject": thread.subject,
        "who": opener.email or opener.username,
        "side": side,
    }
    if thread.artist_order_id:
        title = _("%(title)s, order %(number)s") % {
            "title": title,
            "number": thread.artist_order.order.number,
        }
    change = reverse("admin:messaging_supportthread_change", args=[thread.pk])
    user_opts = get_user_model()._meta
    return row_class(
        kind="support",
        title=title,
        detail=truncatechars(f"“{thread.waiting_text or ''}”", 200),
        since=thread.waiting_since,
        url=change,
        links=[
            (
                _("reply"),
                reverse(
                    "admin:messaging_supportthread_transition",
                    kwargs={"object_id": thread.pk, "action": "reply"},
                ),
            ),
            (_("conversation"), thread.get_absolute_url()),
            (
                _("opened by"),
                reverse(
                    f"admin:{user_opts.app_label}_{user_opts.model_name}_change",
                    args=[thread.buyer_id],
                ),
            ),
        ],
    )
