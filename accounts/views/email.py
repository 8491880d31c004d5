"""Confirming or cancelling a change of email address (``accounts.email_change``).

The link sent to the new address opens a page that asks the logged-in user
to confirm (a POST: a link opened by a mail scanner changes nothing).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError

from ..email_change import (
    EMAIL_CHANGE_LINK_DAYS,
    email_change_cancel,
    email_change_check,
    email_change_confirm,
)


def email_change_requested_message(user) -> str:
    """What the account page says once a new address waits for confirmation."""
    return ngettext(
        "We sent a link to %(new)s: your email address changes when you open it "
        "(within %(days)d day). Until then we keep writing to %(old)s, and we "
        "told that address about the change.",
        "We sent a link to %(new)s: your email address changes when you open it "
        "(within %(days)d days). Until then we keep writing to %(old)s, and we "
        "told that address about the change.",
        EMAIL_CHANGE_LINK_DAYS,
    ) % {"new": user.pending_email, "old": user.email, "days": EMAIL_CHANGE_LINK_DAYS}


@login_required
def email_confirm(request, token):
    """The page of the link sent to the new address: confirm, or why not."""
    error = None
    if request.method == "POST":
        try:
            email_change_confirm(user=request.user, token=token)
        except DomainError as refused:
            error = refused
        else:
            messages.success(
                request,
                _("Your email address is now %(email)s.")
                % {"email": request.user.email},
            )
            return redirect("accounts:home")
    else:
        try:
            email_change_check(user=request.user, token=token)
        except DomainError as refused:
            error = refused
    return render(
        request,
        "accounts/user_email_confirm.html",
        {
            "errors": [
                text
                for texts in (error.as_field_errors().values() if error else [])
                for text in texts
            ],
            "new_email": request.user.pending_email,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def email_cancel(request):
    """Stop waiting for the new address: its link stops working."""
    if request.user.pending_email:
        email_change_cancel(user=request.user)
        messages.success(
            request,
            _("The change of email address is cancelled; its link no longer works."),
        )
    return redirect("accounts:home")
