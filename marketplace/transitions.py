"""The steps every state-machine service takes (artist orders, return
requests), in order: open a transaction and lock the row again
(``locked_change``), check who asks, refuse a caller who decided on a state
the row no longer has, run the django-fsm transition and save it
(``run_transition``); then the service writes its history row, its refund
and its emails in the same transaction. Also the cleaning of what a person
typed (a reason, a carrier and tracking number)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from marketplace.errors import Conflict, DomainError

CARRIER_MAX_LENGTH = 80
TRACKING_MAX_LENGTH = 80


def clean_text(
    value, *, field: str, max_length: int, required: bool, message=None
) -> str:
    """``value`` stripped; ``message`` (or "required") when empty and required.

    :raises DomainError: on ``field`` when missing or longer than ``max_length``.
    """
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise DomainError(message or _("This field is required."), field=field)
    if len(text) > max_length:
        raise DomainError(
            _("At most %(max)s characters.") % {"max": max_length}, field=field
        )
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
            cleaned[field] = clean_text(
                value, field=field, max_length=max_length, required=True
            )
        except DomainError as error:
            errors[field] = [str(error.message)]
    if errors:
        raise DomainError(
            _("Enter the carrier and the tracking number."), errors=errors
        )
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


@contextmanager
def locked_change(
    instance,
    *,
    lock: Callable,
    stale: Callable[[object], Conflict],
    check: Callable[[object], None] | None = None,
    relations: tuple[str, ...] = (),
) -> Iterator:
    """One change of ``instance`` (a row with a ``state``), in a transaction:
    ``lock(instance)`` reads it again, locked (with what the change needs);
    ``check(locked)`` may refuse who asks; when the caller read another
    state than the row has now (another request changed it meanwhile),
    ``stale(locked)`` is raised: that request won the race, even when the
    new state would allow the change too. Yields the locked row. After the
    commit, ``instance`` gets the values saved on it and its ``relations``
    (``sync_from_locked``), so that the caller can go on with it.

    :raises Conflict: ``stale(locked)``, or what ``check`` raises.
    """
    with transaction.atomic():
        locked = lock(instance)
        if check is not None:
            check(locked)
        if locked is not instance and locked.state != instance.state:
            raise stale(locked)
        yield locked
    sync_from_locked(instance, locked, relations=relations)


def run_transition(
    instance,
    transition: Callable,
    *,
    conflict: Callable[[object], Conflict],
    saved: tuple[str, ...] = (),
    **kwargs,
) -> str:
    """Run ``transition`` (a django-fsm transition method of the locked
    ``instance``) with ``kwargs``, then save the state, the ``saved`` fields
    and ``updated_at``. Returns the state it left.

    :raises Conflict: ``conflict(instance)`` when the transition is not
        allowed in the current state.
    """
    if not can_proceed(transition):
        raise conflict(instance)
    from_state = instance.state
    transition(**kwargs)
    instance.save(update_fields=["state", *saved, "updated_at"])
    return from_state
