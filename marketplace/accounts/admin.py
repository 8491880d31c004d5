from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.errors import DomainError

from .models import User
from .services import user_reactivate, user_suspend


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language", "date_joined", "groups"]
    search_fields = ["username", "email", "first_name", "last_name"]
    ordering = ["username"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "language", "password1", "password2"),
            },
        ),
    )
    actions = ["suspend_accounts", "reactivate_accounts"]

    @admin.action(description=_("Suspend the selected accounts (code of conduct)"))
    def suspend_accounts(self, request, queryset):
        done = 0
        for user in queryset.filter(is_active=True):
            try:
                user_suspend(user=user, by=request.user)
            except DomainError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d account suspended.", "%(count)d accounts suspended.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reactivate the selected accounts"))
    def reactivate_accounts(self, request, queryset):
        done = 0
        for user in queryset.filter(is_active=False):
            user_reactivate(user=user, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d account reactivated.", "%(count)d accounts reactivated.", done)
            % {"count": done},
            messages.SUCCESS,
        )
