from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from artists.selectors import artist_for_user
from marketplace.errors import DomainError

from ..forms import OutboxPasswordResetForm, ProfileForm, SignupForm
from ..models import Language
from ..ratelimit import password_reset_allowed, signup_throttled_message, signup_wait
from ..services import Role, user_register, user_update_profile
from .email import email_change_requested_message


def _safe_next(request) -> str | None:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def signup(request):
    """Create an account (buyer or artist), log in, and go on shopping or to
    the seller dashboard."""
    status = 200
    if request.method == "POST":
        form = SignupForm(request.POST)
        # Counted with the API's sign-ups from the same address (SIGNUP_RATE).
        if form.is_valid() and (wait := signup_wait(request)) is not None:
            form.add_error(None, signup_throttled_message(wait))
            status = 429
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = user_register(
                    username=data["username"],
                    email=data["email"],
                    password=data["password1"],
                    language=data["language"],
                    role=data["role"],
                    shop_name=data["shop_name"]
                    if data["role"] == Role.ARTIST
                    else None,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                login(request, user, backend="accounts.backends.UserBackend")
                translation.activate(user.language)
                if user.is_artist:
                    messages.success(
                        request,
                        _(
                            "Welcome! Your shop is waiting for approval by our team; "
                            "meanwhile you can prepare your items."
                        ),
                    )
                    default = reverse("dashboard:home")
                else:
                    messages.success(request, _("Welcome! Your account is ready."))
                    default = reverse("catalog:home")
                response = redirect(_safe_next(request) or default)
                _set_language_cookie(response, user.language)
                return response
    else:
        language = translation.get_language() or settings.LANGUAGE_CODE
        role = request.GET.get("role")
        form = SignupForm(
            initial={
                "language": language if language in Language.values else Language.EN,
                "role": role if role in Role.CHOICES else Role.BUYER,
            }
        )
    return render(
        request,
        "accounts/user_signup.html",
        {"form": form, "next": _safe_next(request) or ""},
        status=status,
    )


@login_required
def home(request):
    """The profile page: who I am, my shop's status, my email and language."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            requested_before = user.pending_email_requested_at
            try:
                user_update_profile(user=user, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                # The new language applies to this confirmation already.
                translation.activate(user.language)
                messages.success(request, _("Your profile has been saved."))
                if user.pending_email_requested_at != requested_before:
                    messages.info(request, email_change_requested_message(user))
                response = redirect("accounts:home")
                _set_language_cookie(response, user.language)
                return response
    else:
        form = ProfileForm(
            initial={
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "language": user.language,
            }
        )
    return render(
        request,
        "accounts/user_home.html",
        {"form": form, "artist": artist_for_user(user)},
    )


@require_POST
def set_language(request):
    """Django's ``set_language`` (language cookie, redirect to ``next``), which
    also saves the preference of a logged-in user."""
    language = request.POST.get("language")
    if request.user.is_authenticated and language in Language.values:
        user_update_profile(user=request.user, language=language)
    return django_set_language(request)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Where to go without a ``next``: an artist to the seller
        dashboard, anyone else to the account page."""
        if self.request.user.is_authenticated and self.request.user.is_artist:
            return reverse("dashboard:home")
        return super().get_default_redirect_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        # The preference also outlives the session (after logging out).
        if self.request.user.language:
            _set_language_cookie(response, self.request.user.language)
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page. Beyond a few requests per hour for one email or
    from one address (``accounts.ratelimit``), it answers exactly as usual
    and sends nothing."""

    form_class = OutboxPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if password_reset_allowed(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:home")
    success_message = gettext_lazy("Your password has been changed.")
