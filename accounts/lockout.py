"""Login lockout (django-axes): the backend, the client address and the
answer given to a locked-out login, on the login page or in the API."""

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.forms.utils import ErrorDict
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login made with a request.

    A login without a request (``Client.login`` in tests, a shell) has no
    address to count failures against: it goes straight to the password
    backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher limit per address.

    A username is locked from an address after ``AXES_FAILURE_LIMIT``
    failures (as before); an address, whatever the usernames tried, after
    ``AXES_ADDRESS_FAILURE_LIMIT`` failures within the cool-off (password
    spraying). The address's failures are counted apart from the lockout
    parameters, so that a successful login (which resets its own username's
    failures) does not wipe the address's count.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return failures
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(
                attempt_time__gte=get_cool_off_threshold(request)
            )
        from_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        )
        if from_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # Axes compares this count with AXES_FAILURE_LIMIT: reach it.
            return max(failures, get_failure_limit(request, credentials))
        return failures


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT``
    proxies the address the outermost trusted proxy saw."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    meta = getattr(request, "META", {})
    if count:
        forwarded = [
            part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return meta.get("REMOTE_ADDR")


def lockout_message() -> str:
    """The sentence shown to a locked-out login, in the active language."""
    cool_off = get_cool_off()
    minutes = max(int(cool_off.total_seconds() // 60), 1) if cool_off else 15
    return ngettext(
        "Too many failed login attempts: this account is locked from your "
        "connection for %(minutes)d minute. Try again later or reset your password.",
        "Too many failed login attempts: this account is locked from your "
        "connection for %(minutes)d minutes. Try again later or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the
    login page again with the reason as its error, or JSON for the API,
    with status 429 (Too Many Requests)."""
    message = lockout_message()
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, data={"username": username})
    # The form is shown with this error only: no second authentication.
    form._errors = ErrorDict(
        {"__all__": form.error_class([message], error_class="nonfield")}
    )
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": request.POST.get("next", ""), "locked_out": True},
        status=status,
    )
