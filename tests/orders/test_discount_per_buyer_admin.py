"""The limit per buyer of a discount code in the admin, and the migration
that leaves the codes that existed without one (issue 19, 11)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from orders.models import DiscountCode
from tests.factories import DiscountCodeFactory, UserFactory

BEFORE = ("orders", "0008_verbose_names")
AFTER = ("orders", "0009_discount_per_buyer_limit")


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def form(**changes):
    data = {
        "code": "SPRING",
        "artist": "",
        "kind": "percent",
        "value": "10",
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        "minimum_amount": "0",
        "usage_limit": "",
        "per_buyer_limit": "1",
        "is_active": "on",
    }
    return {**data, **changes}


def test_staff_set_the_limit_per_buyer_of_a_new_code(staff_client):
    response = staff_client.post(
        reverse("admin:orders_discountcode_add"), form(per_buyer_limit="3")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert DiscountCode.objects.get().per_buyer_limit == 3


def test_staff_remove_the_limit_per_buyer(staff_client):
    code = DiscountCodeFactory(code="SPRING", value=Decimal("10"))
    assert code.per_buyer_limit == 1

    response = staff_client.post(
        reverse("admin:orders_discountcode_change", args=[code.pk]),
        form(per_buyer_limit=""),
    )

    assert response.status_code == 302
    code.refresh_from_db()
    assert code.per_buyer_limit is None


def test_a_limit_of_zero_is_a_form_error(staff_client):
    response = staff_client.post(
        reverse("admin:orders_discountcode_add"), form(per_buyer_limit="0")
    )

    assert response.status_code == 200
    assert "per_buyer_limit" in response.context["adminform"].form.errors
    assert not DiscountCode.objects.exists()


def test_the_changelist_shows_the_limit(staff_client, db):
    DiscountCodeFactory(code="SPRING", per_buyer_limit=4)

    response = staff_client.get(reverse("admin:orders_discountcode_changelist"))

    assert "limit per buyer" in response.content.decode().lower()


@pytest.mark.django_db(transaction=True)
def test_codes_made_before_the_migration_keep_no_limit_per_buyer():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model(
        "orders", "DiscountCode"
    )
    old.objects.create(code="OLD", kind="percent", value=Decimal("10"))
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new = executor.loader.project_state([AFTER]).apps.get_model(
            "orders", "DiscountCode"
        )
        assert new.objects.get(code="OLD").per_buyer_limit is None
        assert (
            new.objects.create(code="NEW", kind="fixed", value=1).per_buyer_limit == 1
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
