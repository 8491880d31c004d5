"""Shared by the money admin tests: the admin's URLs of the money pages,
a staff member with only some permissions, the messages a page shows and
the rows of a changelist."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import UserFactory
from tests.orders.helpers import logged_in
from tests.staff.helpers import change_url, transition_url

BALANCES = reverse("admin:payouts_payoutaccount_changelist")
PAYOUTS = reverse("admin:payouts_payout_changelist")
RUNS = reverse("admin:payouts_payoutrun_changelist")
RUN_NOW = reverse("admin:payouts_payoutrun_run")
COMMISSION_DEFAULT = reverse("admin:payouts_commissiondefault_changelist")
COMMISSION_BY_MONTH = reverse("admin:payouts_commission_by_month")
TRANSACTIONS = reverse("admin:payouts_ledgertransaction_changelist")
ENTRIES = reverse("admin:payouts_ledgerentry_changelist")
QUEUE = reverse("admin:escalations")


def superuser(username="support"):
    return UserFactory(
        username=username,
        email=f"{username}@example.com",
        is_staff=True,
        is_superuser=True,
    )


def staff_with(*codenames, username="trainee"):
    """A member of staff with only the permissions ``codenames``."""
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="payouts", codename__in=codenames
        )
    )
    return user


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def rows(response) -> list:
    """The objects of a changelist page, in the order shown."""
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def form_token(client, url) -> str:
    """The one-time key of the form shown at ``url``."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"]["token"].value()


__all__ = [
    "change_url",
    "logged_in",
    "transition_url",
]
