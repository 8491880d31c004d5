"""What the admin pages of every app share: read-only records, links to
change pages and lists, ages, and the transition buttons.

A ``ModelAdmin`` mixing in ``TransitionAdminMixin`` lists, for the object on
screen, the transitions staff may run now (``available_transitions``). Each
is a button on the change page opening a small form (reason, carrier and
tracking number, amount...) on ``<object>/do/<action>/``; sending it calls
the same service function as the dashboard or the buyer's page, never a bare
``save()``. Domain errors come back on the form; a state changed meanwhile
(``Conflict``) comes back as a message on the change page. Every run is
recorded with its author in Django's admin log (``log_change``) and, through
the service, in the object's own history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.errors import Conflict, DomainError
from marketplace.forms import add_domain_error

# Records ------------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record staff reads and searches but never edits by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_link(obj, text=None):
    """A link to ``obj``'s admin change page (its text by default)."""
    if obj is None:
        return "—"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html(
        '<a href="{}">{}</a>', url, text if text is not None else str(obj)
    )


def changelist_link(model, text, **query):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return format_html('<a href="{}">{}</a>', url, text)


def age(since) -> str:
    """How long ago ``since`` was, in days and hours."""
    if since is None:
        return "—"
    delta = timezone.now() - since
    days, seconds = delta.days, delta.seconds
    if days < 0:
        return "—"
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": seconds // 3600}
    return _("%(hours)d h %(minutes)d min") % {
        "hours": seconds // 3600,
        "minutes": seconds % 3600 // 60,
    }


# Transition buttons --------------------------------------------------------------


class ConfirmForm(forms.Form):
    """A transition that needs nothing more than a confirmation."""


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note for the history (optional)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        required=False,
    )


class TrackingForm(forms.Form):
    carrier = forms.CharField(label=gettext_lazy("Carrier"), max_length=80)
    tracking_number = forms.CharField(
        label=gettext_lazy("Tracking number"), max_length=80
    )


@dataclass(frozen=True)
class StaffTransition:
    """One button: ``run(request=, obj=, data=)`` calls the service and
    returns the success message; it may raise ``DomainError`` (shown on the
    form), ``Conflict`` or ``PermissionDenied`` (shown on the change page)."""

    name: str
    label: str
    run: Callable[..., str]
    form_class: type[forms.Form] = ConfirmForm
    help_text: str = ""
    danger: bool = False
    initial: Callable[[object], dict] = field(default=lambda obj: {})
    # Labels of the form fields, when the form's own do not say enough.
    field_labels: dict = field(default_factory=dict)


class TransitionAdminMixin:
    """Adds transition buttons and their form pages to a ``ModelAdmin``."""

    change_form_template = "admin/staff/change_form.html"
    transition_form_template = "admin/staff/transition_form.html"

    # To override --------------------------------------------------------------

    def available_transitions(self, request, obj) -> list[StaffTransition]:
        """The transitions ``request.user`` may run on ``obj`` now."""
        return []

    def transition_summary(self, obj) -> list[tuple[str, object]]:
        """(label, value) rows shown above a transition's form."""
        return [(_("State"), getattr(obj, "get_state_display", lambda: "")())]

    def get_transition_queryset(self, request):
        return self.get_queryset(request)

    # Permissions ------------------------------------------------------------------

    def has_transition_permission(self, request, obj=None) -> bool:
        """Staff allowed to change this kind of object may run its
        transitions (the change page itself stays read-only)."""
        opts = self.opts
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )

    # URLs and views -------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/do/<slug:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def transition_url(self, obj, action: str) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_transition".format(*info),
            kwargs={"object_id": obj.pk, "action": action},
            current_app=self.admin_site.name,
        )

    def change_url(self, obj) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_change".format(*info),
            args=[obj.pk],
            current_app=self.admin_site.name,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_transition_permission(request, obj):
            extra_context["transition_buttons"] = [
                {
                    "name": transition.name,
                    "label": transition.label,
                    "url": self.transition_url(obj, transition.name),
                    "danger": transition.danger,
                }
                for transition in self.available_transitions(request, obj)
            ]
        # The page is a record: it is never saved as a form.
        extra_context.setdefault("show_save", False)
        extra_context.setdefault("show_save_and_continue", False)
        extra_context.setdefault("show_save_and_add_another", False)
        extra_context.setdefault("show_delete_link", False)
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id, action):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("This object does not exist."))
        if not self.has_transition_permission(request, obj):
            raise PermissionDenied
        back = HttpResponseRedirect(self.change_url(obj))
        transition = {t.name: t for t in self.available_transitions(request, obj)}.get(
            action
        )
        if transition is None:
            self.message_user(
                request,
                _("“%(action)s” is not possible on %(object)s now.")
                % {"action": action, "object": obj},
                messages.ERROR,
            )
            return back
        data = request.POST if request.method == "POST" else None
        form = transition.form_class(data, initial=transition.initial(obj))
        for name, label in transition.field_labels.items():
            if name in form.fields:
                form.fields[name].label = label
        if request.method == "POST" and form.is_valid():
            try:
                done = transition.run(request=request, obj=obj, data=form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            except (Conflict, PermissionDenied) as error:
                self.message_user(request, _error_text(error), messages.ERROR)
                return back
            else:
                self.log_change(
                    request, obj, self.transition_log_message(transition, form)
                )
                self.message_user(request, done, messages.SUCCESS)
                return back
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(action)s: %(object)s")
            % {"action": transition.label, "object": obj},
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "object": obj,
            "form": form,
            "transition": transition,
            "summary": self.transition_summary(obj),
            "change_url": self.change_url(obj),
            "app_label": self.opts.app_label,
            "has_view_permission": self.has_view_permission(request, obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.transition_form_template, context)

    def transition_log_message(
        self, transition: StaffTransition, form: forms.Form
    ) -> str:
        """The admin log line of a transition: its name and what was typed
        (no hidden fields)."""
        parts = []
        for name, value in form.cleaned_data.items():
            if form.fields[name].widget.is_hidden or value in (None, ""):
                continue
            parts.append(f"{form.fields[name].label}: {value}")
        text = transition.label
        if parts:
            text += " — " + "; ".join(parts)
        return text[:1000]


def _error_text(error) -> str:
    return str(getattr(error, "message", None) or error) or _("You may not do this.")
