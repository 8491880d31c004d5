"""The admin site of the marketplace: Django's admin plus the escalation
queue (``admin:escalations``) and the staff views that are not one model's
(suspending or reinstating an account with a reason)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.admin import StaffTransition
from marketplace.errors import DomainError
from marketplace.forms import add_domain_error

from . import escalations
from .admin import LogEntryAdmin
from .services import account_reinstate, account_suspend


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the staff log)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )


class ReinstateForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        required=False,
    )


class StaffAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Marketplace staff")
    site_title = gettext_lazy("Marketplace staff")
    index_title = gettext_lazy("Workplace")
    index_template = "admin/staff/index.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register(LogEntry, LogEntryAdmin)

    def get_urls(self):
        return [
            path(
                "escalations/",
                self.admin_view(self.escalations_view),
                name="escalations",
            ),
            path(
                "staff/users/<int:user_id>/suspend/",
                self.admin_view(self.suspend_view),
                name="staff_user_suspend",
            ),
            path(
                "staff/users/<int:user_id>/reinstate/",
                self.admin_view(self.reinstate_view),
                name="staff_user_reinstate",
            ),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        counts = escalations.escalation_counts()
        extra_context = {
            **(extra_context or {}),
            "escalation_total": sum(counts.values()),
            "escalation_counts": [
                (kind, escalations.KINDS[kind], count) for kind, count in counts.items()
            ],
        }
        return super().index(request, extra_context)

    # The escalation queue -----------------------------------------------------------

    def escalations_view(self, request):
        kind = request.GET.get("kind") or None
        if kind not in escalations.KINDS:
            kind = None
        counts = escalations.escalation_counts()
        rows = escalations.escalation_queue(kind=kind)
        context = {
            **self.each_context(request),
            "title": _("Escalation queue"),
            "subtitle": None,
            "rows": rows,
            "kind": kind,
            "kinds": [
                (name, label, counts[name]) for name, label in escalations.KINDS.items()
            ],
            "total": sum(counts.values()),
            "limit": escalations.ROW_LIMIT,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/staff/escalations.html", context)

    # Accounts ------------------------------------------------------------------------

    def _account_view(self, request, user_id, *, transition: StaffTransition, run):
        User = get_user_model()
        if not request.user.has_perm(
            f"{User._meta.app_label}.change_{User._meta.model_name}"
        ):
            raise Http404
        user = get_object_or_404(User, pk=user_id)
        change_url = reverse(
            f"admin:{User._meta.app_label}_{User._meta.model_name}_change",
            args=[user.pk],
        )
        form = transition.form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                done = run(
                    user=user, by=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(change_url)
        context = {
            **self.each_context(request),
            "title": _("%(action)s: %(object)s")
            % {"action": transition.label, "object": user},
            "subtitle": None,
            "opts": User._meta,
            "original": user,
            "form": form,
            "transition": transition,
            "summary": [
                (_("Username"), user.get_username()),
                (_("Email"), user.email),
                (_("Active"), _("yes") if user.is_active else _("no, suspended")),
            ],
            "change_url": change_url,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/staff/transition_form.html", context)

    def suspend_view(self, request, user_id):
        def run(*, user, by, reason):
            if not user.is_active:
                return _("%(user)s was already suspended.") % {"user": user}
            account_suspend(user=user, by=by, reason=reason)
            return _(
                "%(user)s is suspended: no login, no API token, and a shop leaves the catalog."
            ) % {"user": user}

        transition = StaffTransition(
            name="suspend",
            label=_("Suspend the account"),
            run=run,
            form_class=SuspendForm,
            danger=True,
            help_text=_(
                "Code of conduct: the person can no longer log in, its API token is revoked and, "
                "for an artist, the shop leaves the catalog and takes no more orders. Open orders "
                "stay visible here."
            ),
        )
        return self._account_view(request, user_id, transition=transition, run=run)

    def reinstate_view(self, request, user_id):
        def run(*, user, by, reason):
            account_reinstate(user=user, by=by, reason=reason)
            return _("%(user)s can log in again.") % {"user": user}

        transition = StaffTransition(
            name="reinstate",
            label=_("Reinstate the account"),
            run=run,
            form_class=ReinstateForm,
            help_text=_(
                "Lift the suspension: the person can log in again and a shop comes back."
            ),
        )
        return self._account_view(request, user_id, transition=transition, run=run)
