"""The marketplace's default commission: one page (the list, the change
and the add URLs all show it) with the rate in force, where it comes from,
and a form that sets it through ``services.holds.commission_default_set``.
It is never deleted; until staff sets it, ``settings.COMMISSION_RATE``
applies."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError
from marketplace.forms import add_domain_error

from ..models import CommissionDefault
from ..services import holds
from ..services.ledger import default_rate
from .display import percent


class CommissionDefaultForm(forms.Form):
    rate = forms.DecimalField(
        label=_("Default commission rate"),
        help_text=_(
            "A fraction: 0.12 = 12 %. It applies to payments from now on, for every "
            "shop without its own rate; paid orders keep the rate they were paid at."
        ),
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
        localize=True,
    )


@admin.register(CommissionDefault)
class CommissionDefaultAdmin(admin.ModelAdmin):
    # The page sets the one row whether or not it exists yet: no "Add".
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return self.setting_view(request)

    def add_view(self, request, form_url="", extra_context=None):
        return self.setting_view(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.setting_view(request)

    def setting_view(self, request):
        """Show the default rate in force; staff allowed to change it sets it."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        can_change = self.has_change_permission(request)
        if request.method == "POST" and not can_change:
            raise PermissionDenied
        setting = (
            CommissionDefault.objects.select_related("updated_by").filter(pk=1).first()
        )
        form = None
        if can_change:
            data = request.POST if request.method == "POST" else None
            form = CommissionDefaultForm(data, initial={"rate": default_rate()})
            if data is not None and form.is_valid():
                try:
                    saved = holds.commission_default_set(
                        rate=form.cleaned_data["rate"], by=request.user
                    )
                except DomainError as error:
                    add_domain_error(form, error)
                else:
                    message = gettext("Default commission set to %(rate)s.") % {
                        "rate": percent(saved.rate)
                    }
                    if setting is None:
                        self.log_addition(request, saved, message)
                    else:
                        self.log_change(request, saved, message)
                    self.message_user(
                        request,
                        gettext(
                            "The default commission is now %(rate)s: it applies to "
                            "payments from now on."
                        )
                        % {"rate": percent(saved.rate)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:payouts_commissiondefault_changelist")
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Default commission"),
            "subtitle": None,
            "opts": self.opts,
            "setting": setting,
            "effective_rate": percent(default_rate()),
            "settings_rate": percent(Decimal(str(settings.COMMISSION_RATE))),
            "form": form,
            "has_view_permission": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/payouts/commissiondefault/setting.html", context
        )
