"""Every admin page a superuser can open loads, with some data in every
table, within a query budget that does not grow with the number of rows."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.notifications.services import notify
from messaging import services as messaging
from orders import services as order_services
from orders.models import Cart, DiscountCode
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order
from tests.returns.factories import make_line, make_return

pytestmark = pytest.mark.django_db

# Changelists may run this many queries (session, user, counts, rows and
# their select_related joins, filters' choices, the sidebar's permissions).
CHANGELIST_BUDGET = 20
CHANGE_PAGE_BUDGET = 40


def fill(n: int, *, staff):
    """Some rows in every table the admin lists: orders in several states,
    refunds, requests, returns, conversations, flags, notifications..."""
    for index in range(n):
        buyer = UserFactory(
            username=f"buyer{n}-{index}", email=f"buyer{n}-{index}@example.com"
        )
        shop = make_artist(f"shop{n}-{index}", name=f"Shop {n}-{index}")
        make_artist_order(buyer=buyer, artist=shop)
        refused = make_artist_order(buyer=buyer, artist=shop, state="refused")
        accepted = make_artist_order(buyer=buyer, artist=shop, state="accepted")
        order_services.artist_order_cancel(
            artist_order=accepted, by=buyer, reason="Too slow"
        )
        shipped = make_artist_order(buyer=buyer, artist=shop, state="shipped")
        order_services.artist_order_report_not_received(artist_order=shipped, by=buyer)
        make_return(line=make_line(buyer=buyer, artist=shop), state="escalated")
        thread = messaging.thread_start(buyer=buyer, artist=shop, body="Hello")
        messaging.message_flag(message=thread.messages.get(), by=staff)
        notify(recipient=buyer, event="order_accepted", context={"order_number": "x"})
        DiscountCode.objects.create(code=f"CODE{n}{index}", kind="percent", value=10)
        Cart.objects.create(user=buyer)
        LogEntry.objects.log_actions(
            user_id=staff.pk,
            queryset=[refused],
            action_flag=CHANGE,
            change_message="Looked.",
            single_object=True,
        )


def changelist_urls():
    for model in admin.site._registry:
        opts = model._meta
        yield (
            opts.label,
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def test_every_changelist_loads_within_a_budget_that_does_not_grow(staff, staff_client):
    fill(1, staff=staff)
    small = {
        label: count_queries(staff_client, url) for label, url in changelist_urls()
    }
    fill(3, staff=staff)
    large = {
        label: count_queries(staff_client, url) for label, url in changelist_urls()
    }

    over = {label: count for label, count in large.items() if count > CHANGELIST_BUDGET}
    assert not over, over
    grew = {
        label: (small[label], large[label])
        for label in large
        if large[label] > small[label]
    }
    assert not grew, grew


def test_every_change_and_add_page_loads(staff, staff_client):
    fill(1, staff=staff)
    request = type("Request", (), {"user": staff})()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None:
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
            )
            queries = count_queries(staff_client, url)
            assert queries <= CHANGE_PAGE_BUDGET, (opts.label, queries)
        if model_admin.has_add_permission(request):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert staff_client.get(url).status_code == 200, url


def test_searches_a_support_agent_uses_find_the_order(staff, staff_client):
    buyer = UserFactory(username="lou", email="lou@example.com")
    shop = make_artist("atelier", name="Atelier Argile")
    artist_order = make_artist_order(buyer=buyer, artist=shop, state="shipped")
    number = artist_order.order.number
    page = reverse("admin:orders_artistorder_changelist")

    for query in (
        number,
        "lou@example.com",
        "Atelier Argile",
        artist_order.tracking_number,
    ):
        response = staff_client.get(page, {"q": query})
        assert response.status_code == 200
        assert number in response.content.decode(), query
    filtered = staff_client.get(
        page, {"state__exact": "shipped", "attention": "not_received"}
    )
    assert filtered.status_code == 200
    assert number not in filtered.content.decode()
