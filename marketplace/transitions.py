"""Pieces every state-machine service uses (artist orders, return requests):
cleaning the text a person typed, and handing the saved row back to the
caller's instance after a locked transition."""

from django.utils.translation import gettext as _

from marketplace.errors import DomainError

CARRIER_MAX_LENGTH = 80
TRACKING_MAX_LENGTH = 80


def clean_text(value, *, field: str, max_length: int, required: bool, message=None) -> str:
    """``value`` stripped; ``message`` (or "required") when empty and required.

    :raises DomainError: on ``field`` when missing or longer than ``max_length``.
    """
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise DomainError(message or _("This field is required."), field=field)
    if len(text) > max_length:
        raise DomainError(_("At most %(max)s characters.") % {"max": max_length}, field=field)
    return text


def clean_tracking(carrier, tracking_number) -> tuple[str, str]:
    """The carrier and tracking number of a parcel, both required.

    :raises DomainError: with an error per missing or too long field.
    """
    errors = {}
    cleaned = {}
    for field, value, max_length in (
        ("carrier", carrier, CARRIER_MAX_LENGTH),
        ("tracking_number", tracking_number, TRACKING_MAX_LENGTH),
    ):
        try:
            cleaned[field] = clean_text(value, field=field, max_length=max_length, required=True)
        except DomainError as error:
            errors[field] = [str(error.message)]
    if errors:
        raise DomainError(_("Enter the carrier and the tracking number."), errors=errors)
    return cleaned["carrier"], cleaned["tracking_number"]


def sync_from_locked(caller, locked, *, relations=()) -> None:
    """Give the caller's instance the values saved on ``locked`` (so that it
    can be passed to the next service), the ``relations`` loaded on it, and
    forget the caller's prefetched rows."""
    if caller is locked:
        return
    for field in type(locked)._meta.concrete_fields:
        caller.__dict__[field.attname] = locked.__dict__.get(field.attname)
    for name in relations:
        if type(locked)._meta.get_field(name).is_cached(locked):
            setattr(caller, name, getattr(locked, name))
    caller.__dict__.pop("_prefetched_objects_cache", None)
    caller._update_initial_state()
