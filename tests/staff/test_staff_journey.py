"""In Chromium: a member of staff logs into the admin, finds an overdue
acceptance in the escalation queue, opens it and refuses the order through
the button's form; the order page then shows the refund and the history."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import ArtistOrder
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_staff_refuses_an_overdue_order_from_the_escalation_queue(
    page, live_server, tmp_path
):
    violations = []
    page.on(
        "console",
        lambda m: (
            violations.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    UserFactory(
        username="support",
        email="support@example.com",
        is_staff=True,
        is_superuser=True,
    )
    buyer = UserFactory(username="camille", email="camille@example.com")
    artist_order = make_artist_order(
        buyer=buyer, artist=make_artist("potter", name="Atelier Argile")
    )
    ArtistOrder.objects.filter(pk=artist_order.pk).update(
        acceptance_deadline=timezone.now() + timedelta(hours=1)
    )
    number = artist_order.order.number

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("support")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Everything waiting, oldest first").click()
    expect(page.locator("tr.escalation-row")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
    page.get_by_role("link", name=f"Order {number}", exact=False).click()
    page.locator('a[data-transition="refuse"]').click()
    page.get_by_label("Reason (sent to the buyer)").fill("The kiln broke; sorry.")
    page.screenshot(path=str(tmp_path / "refuse.png"), full_page=True)
    page.get_by_role("button", name="Refuse", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("refused")
    expect(page.locator("#content-main")).to_contain_text("The kiln broke; sorry.")
    page.screenshot(path=str(tmp_path / "after.png"), full_page=True)
    artist_order.refresh_from_db()
    assert artist_order.state == "refused"
    assert artist_order.refunds.get().amount == artist_order.paid
    page.goto(f"{live_server.url}/admin/escalations/")
    expect(page.locator("tr.escalation-row")).to_have_count(0)
    assert violations == []
