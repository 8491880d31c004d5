"""Changing the email address of an account, confirmed from the new address.

Whoever holds an account's email address can reset its password: a stolen
API token or an unattended session must not be enough to move it. So an
email change

1. asks for the current password (checked by ``user_update_profile``, the
   service every door calls);
2. does not change the address yet (``email_change_request``): the new one
   waits in ``User.pending_email``, a link is sent to it, and the old address
   is told what happened and what to do if it was not the user;
3. changes it when that link is followed by the same user, logged in
   (``email_change_confirm``); the old address is told it changed.

The link carries a ``django.core.signing`` token naming the user, the moment
of the request and a digest of the old and the new address; ``max_age``
makes it expire.
It only works while the account still waits for exactly that change: once
used, replaced by a newer request, cancelled (``email_change_cancel``, or a
new password, see ``User.save``), it is stale.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from marketplace.context_processors import SITE_NAME
from marketplace.errors import DomainError
from marketplace.notifications.services import notify

from .models import User

logger = logging.getLogger(__name__)

EMAIL_CHANGE_SALT = "accounts.email-change"
EMAIL_CHANGE_LINK_DAYS = 3
# Wrong current passwords allowed per user (django-ratelimit, in the cache).
GUESS_LIMIT_GROUP = "accounts.current_password"
GUESS_LIMIT_RATE = "5/15m"


def _wrong_passwords_at_limit(user: User, *, count: bool) -> bool:
    """Whether ``user`` gave as many wrong current passwords as
    ``GUESS_LIMIT_RATE`` allows (counting one more with ``count``).
    A cache outage limits nothing (logged)."""
    try:
        usage = get_usage(
            None,
            group=GUESS_LIMIT_GROUP,
            key=lambda _group, _request: str(user.pk),
            rate=GUESS_LIMIT_RATE,
            increment=count,
        )
    except Exception as error:
        logger.warning(
            "Current password limit unavailable (%s: %s)", type(error).__name__, error
        )
        return False
    return bool(usage and usage["count"] >= usage["limit"])


def current_password_errors(*, user: User, password: str | None) -> list[str]:
    """Why ``password`` does not prove that the caller is ``user``, if it
    does not. A token or session thief cannot guess it: after
    ``GUESS_LIMIT_RATE`` wrong ones, even the right one is refused
    until the window ends."""
    if not password:
        return [_("Enter your current password to change your email address.")]
    if _wrong_passwords_at_limit(user, count=False):
        return [_("Too many wrong passwords. Try again in 15 minutes.")]
    if not user.check_password(password):
        _wrong_passwords_at_limit(user, count=True)
        return [_("Your current password is not correct.")]
    return []


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _request_of(user: User) -> dict:
    """What the link of the change ``user`` waits for names: the user, the
    moment of the request and a digest of both addresses (the link reveals
    neither, should it reach a stranger through a mistyped address)."""
    moment = user.pending_email_requested_at
    return {
        "user": user.pk,
        "at": moment.isoformat() if moment else "",
        "emails": salted_hmac(
            EMAIL_CHANGE_SALT, f"{user.email}\n{user.pending_email}"
        ).hexdigest()[:32],
    }


def _token(user: User) -> str:
    return signing.dumps(_request_of(user), salt=EMAIL_CHANGE_SALT)


def email_change_request(*, user: User, new_email: str) -> User:
    """Wait for ``new_email`` to be confirmed: send the link to it and tell
    the current address. Called by ``user_update_profile`` inside its
    transaction, on the locked user, once the password and the address have
    been checked; a newer request replaces an older one (its link goes stale).
    """
    user.pending_email = new_email
    user.pending_email_requested_at = timezone.now()
    user.save(update_fields=["pending_email", "pending_email_requested_at"])
    path = reverse("accounts:email_confirm", kwargs={"token": _token(user)})
    common = {
        "site_name": SITE_NAME,
        "username": user.get_username(),
        "old_email": user.email,
        "new_email": new_email,
        "days": EMAIL_CHANGE_LINK_DAYS,
    }
    notify(
        recipient=user,
        event="email_change_confirm",
        to_email=new_email,
        context={**common, "confirm_url": _absolute(path)},
    )
    notify(
        recipient=user,
        event="email_change_requested",
        context={
            **common,
            "password_reset_url": _absolute(reverse("accounts:password_reset")),
        },
    )
    return user


def email_change_check(*, user: User, token: str) -> str:
    """The new address the link ``token`` confirms, if ``user`` may follow
    it now; changes nothing.

    :raises DomainError: (field ``token``) when the link is not valid, has
        expired, is another account's, or is stale.
    """
    try:
        data = signing.loads(
            token,
            salt=EMAIL_CHANGE_SALT,
            max_age=timedelta(days=EMAIL_CHANGE_LINK_DAYS),
        )
    except signing.SignatureExpired as error:
        raise DomainError(
            _(
                "This confirmation link has expired. Ask for the change again "
                "from your account page."
            ),
            field="token",
        ) from error
    except signing.BadSignature as error:
        raise DomainError(
            _("This confirmation link is not valid. Check that you copied all of it."),
            field="token",
        ) from error
    if not isinstance(data, dict) or data.get("user") != user.pk:
        raise DomainError(
            _(
                "This confirmation link is for another account. Log in with the "
                "account that asked for the change."
            ),
            field="token",
        )
    if not user.pending_email or data != _request_of(user):
        raise DomainError(
            _(
                "This confirmation link was already used, or the change was "
                "cancelled or replaced by a newer one."
            ),
            field="token",
        )
    return user.pending_email


def email_change_confirm(*, user: User, token: str) -> User:
    """Follow the link: the account's address becomes the one it was sent
    to, and the old address is told.

    :raises DomainError: as ``email_change_check``, or (field ``email``) when
        another account took the new address meanwhile; nothing changes.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        email_change_check(user=locked, token=token)
        new_email = locked.pending_email
        if User.objects.filter(email__iexact=new_email).exclude(pk=locked.pk).exists():
            raise DomainError(
                _("An account with this email address already exists."),
                field="email",
            )
        old_email = locked.email
        locked.email = new_email
        locked.pending_email, locked.pending_email_requested_at = "", None
        locked.save(
            update_fields=["email", "pending_email", "pending_email_requested_at"]
        )
        notify(
            recipient=locked,
            event="email_changed",
            to_email=old_email,
            context={
                "site_name": SITE_NAME,
                "username": locked.get_username(),
                "old_email": old_email,
                "new_email": new_email,
            },
        )
    user.email, user.pending_email, user.pending_email_requested_at = (
        new_email,
        "",
        None,
    )
    return user


def email_change_cancel(*, user: User) -> User:
    """Stop waiting for a new address: the link sent to it goes stale."""
    User.objects.filter(pk=user.pk).update(
        pending_email="", pending_email_requested_at=None
    )
    user.pending_email, user.pending_email_requested_at = "", None
    return user
