"""Links from the escalation queue to the admin pages staff act on."""

from django.contrib.auth import get_user_model
from django.urls import reverse


def change_url(obj) -> str:
    """The admin page of ``obj``."""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def transition_url(obj, action: str) -> str:
    """The page of a transition button of ``obj``'s admin page."""
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_transition",
        kwargs={"object_id": obj.pk, "action": action},
    )


def user_url(user_id) -> str:
    """The admin page of the user ``user_id``."""
    opts = get_user_model()._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[user_id])
