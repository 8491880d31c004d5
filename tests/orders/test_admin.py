"""The basic orders admin opens for staff and never edits a state by hand."""

import pytest
from django.urls import reverse

from orders.models import ArtistOrder, Order
from tests.factories import UserFactory

from .factories import checkout_body


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_order_and_artist_order_pages_open_with_search(
    staff_client, buyer_api, variant
):
    buyer_api.post(
        "/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1}, format="json"
    )
    number = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json").json()[
        "number"
    ]
    order = Order.objects.get()
    artist_order = ArtistOrder.objects.get()

    pages = [
        reverse("admin:orders_order_changelist") + f"?q={number}",
        reverse("admin:orders_order_changelist") + "?q=buyer@example.com",
        reverse("admin:orders_order_change", args=[order.pk]),
        reverse("admin:orders_artistorder_changelist")
        + "?state__exact=awaiting_acceptance",
        reverse("admin:orders_artistorder_change", args=[artist_order.pk]),
        reverse("admin:orders_discountcode_add"),
        reverse("admin:orders_payment_changelist"),
    ]
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
    assert number in staff_client.get(pages[0]).content.decode()

    staff_client.post(
        reverse("admin:orders_artistorder_change", args=[artist_order.pk]),
        {"state": "completed"},
    )
    artist_order = ArtistOrder.objects.get()
    assert artist_order.state == "awaiting_acceptance"
