"""Account services: sign-up (with a shop for an artist:
``artists.services.artist_create``), profile changes and suspension.

Every door (sign-up page, profile page, API, admin) calls these functions.
"""

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from artists.services import artist_create, shop_name_errors
from marketplace.context_processors import SITE_NAME
from marketplace.errors import DomainError
from marketplace.notifications.services import notify

from .email_change import current_password_errors, email_change_request
from .models import Language, User
from .ratelimit import signup_notice_allowed


class Role:
    BUYER = "buyer"
    ARTIST = "artist"
    CHOICES = (BUYER, ARTIST)


USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length
NAME_MAX_LENGTH = User._meta.get_field("first_name").max_length


def _raise_if(errors: dict) -> None:
    if errors:
        raise DomainError(_("Please correct the errors below."), errors=errors)


def _email_format_errors(email: str) -> list[str]:
    if not email:
        return [_("Enter an email address.")]
    try:
        validate_email(email)
    except ValidationError as error:
        return [str(m) for m in error.messages]
    return []


def _email_errors(email: str, *, exclude_user: User | None = None) -> list[str]:
    if problems := _email_format_errors(email):
        return problems
    taken = User.objects.filter(email__iexact=email)
    if exclude_user is not None:
        taken = taken.exclude(pk=exclude_user.pk)
    if taken.exists():
        return [_("An account with this email address already exists.")]
    return []


def _language_errors(language: str) -> list[str]:
    if language not in Language.values:
        return [_("Choose English or French.")]
    return []


def _username_errors(username: str) -> list[str]:
    if not username:
        return [_("Choose a username.")]
    if len(username) > USERNAME_MAX_LENGTH:
        return [_("A username has at most 150 characters.")]
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        return [str(m) for m in error.messages]
    if User.objects.filter(username__iexact=username).exists():
        return [_("This username is already taken.")]
    return []


def user_register(
    *,
    username: str,
    email: str,
    password: str,
    language: str,
    role: str,
    shop_name: str | None = None,
) -> User:
    """Create an account; for an artist, also its shop, awaiting staff approval.

    :raises DomainError: with field errors (``username``, ``email``,
        ``password``, ``language``, ``role``, ``shop_name``); nothing is created.
    """
    username = (username or "").strip()
    email = User.objects.normalize_email((email or "").strip())
    shop_name = (shop_name or "").strip()
    errors: dict[str, list[str]] = {}

    with transaction.atomic():
        if problems := _username_errors(username):
            errors["username"] = problems
        # An address that already has an account is no error: that would
        # tell anyone who asks. Its owner is told by email instead.
        if problems := _email_format_errors(email):
            errors["email"] = problems
        if problems := _language_errors(language):
            errors["language"] = problems
        if role not in Role.CHOICES:
            errors["role"] = [_("Choose whether you buy or sell.")]
        if role == Role.ARTIST and (problems := shop_name_errors(shop_name)):
            errors["shop_name"] = problems
        if not password:
            errors["password"] = [_("Choose a password.")]
        else:
            try:
                password_validation.validate_password(
                    password, user=User(username=username, email=email)
                )
            except ValidationError as error:
                errors["password"] = [str(m) for m in error.messages]
        _raise_if(errors)

        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=username, email=email, password=password, language=language
                )
        except IntegrityError as error:  # a concurrent sign-up took the username
            raise DomainError(
                _("This username is already taken."), field="username"
            ) from error
        if role == Role.ARTIST:
            artist_create(user=user, name=shop_name)
        _tell_owner_of_email(user)
    return user


def _tell_owner_of_email(user: User) -> None:
    """When the new account's email already belonged to an account, tell that
    account's owner by email (in the sign-up's transaction): it may be them,
    having forgotten, or someone giving their address. At most
    ``SIGNUP_NOTICE_RATE`` such emails per address."""
    owner = (
        User.objects.filter(email__iexact=user.email)
        .exclude(pk=user.pk)
        .order_by("-is_active", "pk")
        .first()
    )
    if owner is None or not signup_notice_allowed(user.email):
        return
    site_url = settings.SITE_URL.rstrip("/")
    notify(
        recipient=owner,
        event="signup_existing_email",
        context={
            "site_name": SITE_NAME,
            "username": owner.get_username(),
            "new_username": user.get_username(),
            "login_url": site_url + reverse("accounts:login"),
            "reset_url": site_url + reverse("accounts:password_reset"),
        },
    )


def user_update_profile(
    *,
    user: User,
    email: str | None = None,
    current_password: str | None = None,
    language: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> User:
    """Change what the user may change about themselves; ``None`` keeps a value.

    A new email address needs ``current_password`` and is not set here: it
    waits for confirmation from that address (``accounts.email_change``).

    :raises DomainError: with field errors; nothing is changed.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        errors: dict[str, list[str]] = {}
        changed: list[str] = []
        new_email = None
        if email is not None:
            email = User.objects.normalize_email(email.strip())
            if email != locked.email:
                if problems := current_password_errors(
                    user=locked, password=current_password
                ):
                    errors["current_password"] = problems
                elif email.lower() != locked.email.lower() and (
                    problems := _email_errors(email, exclude_user=locked)
                ):
                    errors["email"] = problems
                else:
                    new_email = email
        if language is not None:
            if problems := _language_errors(language):
                errors["language"] = problems
            elif language != locked.language:
                locked.language = language
                changed.append("language")
        for field, value in (("first_name", first_name), ("last_name", last_name)):
            if value is None:
                continue
            value = value.strip()
            if len(value) > NAME_MAX_LENGTH:
                errors[field] = [_("At most 150 characters.")]
            elif value != getattr(locked, field):
                setattr(locked, field, value)
                changed.append(field)
        _raise_if(errors)
        if changed:
            locked.save(update_fields=changed)
        if new_email is not None:
            # After the language: the emails go out in the one just chosen.
            email_change_request(user=locked, new_email=new_email)
            changed += ["pending_email", "pending_email_requested_at"]
    for field in changed:
        setattr(user, field, getattr(locked, field))
    return user


def _log(*, by: User, user: User, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


def user_suspend(*, user: User, by: User, reason: str = "") -> User:
    """Suspend an account (code of conduct): it can no longer log in, and its
    API token is revoked. The action is logged with its author.

    :raises DomainError: when staff tries to suspend their own account.
    """
    if user.pk == by.pk:
        raise DomainError(_("You cannot suspend your own account."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=locked).delete()
            _log(by=by, user=locked, message=" ".join(["Suspended.", reason]).strip())
    user.is_active = False
    return user


def user_reactivate(*, user: User, by: User) -> User:
    """Lift a suspension; logged with its author."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            locked.is_active = True
            locked.save(update_fields=["is_active"])
            _log(by=by, user=locked, message="Reactivated.")
    user.is_active = True
    return user
