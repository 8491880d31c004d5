from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User

# Django stores a permission's name in English ("Can add order"): the four
# it makes for every model are named again in the reader's language.
PERMISSION_ACTIONS = {
    "add": _("Can add “%(name)s”"),
    "change": _("Can change “%(name)s”"),
    "delete": _("Can delete “%(name)s”"),
    "view": _("Can view “%(name)s”"),
}


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        action, _sep, model_name = obj.codename.partition("_")
        model = obj.content_type.model_class()
        if (
            action not in PERMISSION_ACTIONS
            or model is None
            or model._meta.model_name != model_name
        ):
            return str(obj)
        name = PERMISSION_ACTIONS[action] % {"name": model._meta.verbose_name}
        return f"{obj.content_type} | {name}"  # as Django's Permission.__str__


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "email",
        "language",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "language",
        "date_joined",
        "groups",
    ]
    search_fields = ["username", "email", "first_name", "last_name"]
    ordering = ["username"]
    # Plain lists: Django's two-box selector labels its icons in a way screen
    # readers are not allowed to read (axe: aria-prohibited-attr).
    filter_horizontal = ()
    # Set by logging in and signing up, never by hand (and their date and
    # time boxes have no label of their own).
    readonly_fields = ["last_login", "date_joined", "pending_email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (
            _("Personal info"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "pending_email",
                    "language",
                )
            },
        ),
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
    # Suspending and reinstating ask for a reason: buttons on the user's page
    # (staff.site), which record a StaffAction with the author.

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "user_permissions":
            kwargs["form_class"] = PermissionChoiceField
            kwargs.setdefault(
                "queryset",
                db_field.remote_field.model.objects.select_related("content_type"),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
