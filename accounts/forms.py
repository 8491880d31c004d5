from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from artists.services import SHOP_NAME_MAX_LENGTH
from marketplace.context_processors import SITE_NAME
from marketplace.forms import DomainErrorFormMixin
from marketplace.notifications.services import notify

from .models import Language
from .services import USERNAME_MAX_LENGTH, Role


class SignupForm(DomainErrorFormMixin, forms.Form):
    field_map = {"password": "password1"}

    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX_LENGTH,
        help_text=_("Letters, digits and @/./+/-/_ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(
        label=_("Language for pages and emails"), choices=Language.choices
    )
    role = forms.ChoiceField(
        label=_("I want to"),
        choices=[
            (Role.BUYER, _("Buy handmade pieces")),
            (Role.ARTIST, _("Sell my work (open a shop)")),
        ],
        initial=Role.BUYER,
        widget=forms.RadioSelect,
    )
    shop_name = forms.CharField(
        label=_("Shop name"),
        max_length=SHOP_NAME_MAX_LENGTH,
        required=False,
        help_text=_(
            "For artists only. Your shop is visible to buyers once our team has approved it."
        ),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        if data.get("role") == Role.ARTIST and not data.get("shop_name", "").strip():
            self.add_error("shop_name", _("Give your shop a name."))
        return data


class ProfileForm(DomainErrorFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_(
            "A new email address is confirmed from a link we send to it; "
            "your current address is told."
        ),
    )
    current_password.requirement = _("to change your email address")
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language for pages and emails"), choices=Language.choices
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending its email through the notification outbox
    (in the user's language, retried if the email provider is down)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        with transaction.atomic():
            notify(
                recipient=user,
                event="password_reset",
                context={
                    "site_name": SITE_NAME,
                    "username": user.get_username(),
                    "uid": context["uid"],
                    "token": context["token"],
                    "reset_path": path,
                    "reset_url": settings.SITE_URL.rstrip("/") + path,
                },
            )
