"""In a real browser: a buyer reports a damaged piece with a photo, the artist
accepts with return instructions, the buyer sends it back, the artist
receives and refunds it; the buyer sees both steps and was emailed twice
(received, then refund confirmed)."""

import io
import re
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from marketplace.notifications.models import Notification
from orders.models import Refund
from returns.models import ReturnPhoto, ReturnRequest
from tests.factories import ArtistFactory, UserFactory
from tests.returns.factories import make_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def log_in(browser, live_server, username, violations):
    """A fresh browser page (its own cookies) logged in as ``username``,
    reporting Content-Security-Policy violations into ``violations``."""
    page = browser.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('Content Security Policy violation: ' + e.violatedDirective));"
    )
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()
    return page


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (170, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_damaged_piece_goes_back_and_is_refunded(browser, live_server):
    shop = ArtistFactory(
        name="Clay Corner", slug="clay-corner", user=UserFactory(username="clay")
    )
    camille = UserFactory(
        username="camille", email="camille@example.com", language="en"
    )
    line = make_line(buyer=camille, artist=shop, quantity=1, price="30.00")
    number = line.artist_order.order.number
    violations = []

    # The buyer reports the damaged piece from the order page, with a photo.
    buyer = log_in(browser, live_server, "camille", violations)
    buyer.goto(f"{live_server.url}/account/orders/{number}/")
    expect(buyer.get_by_test_id("return-until")).to_contain_text("until")
    buyer.get_by_test_id("return-line").click()
    form = buyer.get_by_test_id("return-form")
    photos = form.locator('[data-field="photos"]')
    form.get_by_label("Reason").select_option("changed_mind")
    expect(photos).to_be_hidden()
    form.get_by_label("Reason").select_option("damaged")
    expect(photos).to_be_visible()
    form.get_by_label("Comment").fill("The bowl arrived cracked.")
    form.get_by_label("Photos").set_input_files(
        files=[{"name": "crack.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    form.get_by_role("button", name="Send my request").click()
    expect(buyer.get_by_text("Your request was sent to Clay Corner.")).to_be_visible()
    expect(buyer.get_by_test_id("return-state")).to_have_text("requested")
    expect(buyer.get_by_test_id("return-photos").locator("img")).to_have_count(1)
    return_request = ReturnRequest.objects.get()
    assert ReturnPhoto.objects.filter(request=return_request).count() == 1

    # The artist finds it in the queue and accepts it with instructions.
    artist = log_in(browser, live_server, "clay", violations)
    artist.goto(f"{live_server.url}/dashboard/")
    artist.get_by_test_id("dash-returns-link").click()
    queue = artist.get_by_test_id("return-queue-new")
    expect(queue).to_contain_text(number)
    queue.get_by_role("link", name=f"Return #{return_request.pk}").click()
    expect(artist.get_by_test_id("return-facts")).to_contain_text(
        "The bowl arrived cracked."
    )
    expect(artist.get_by_test_id("return-photos").locator("img")).to_have_count(1)
    accept = artist.get_by_test_id("action-accept")
    accept.get_by_label("Return instructions").fill(
        "Send it to Clay Corner, 3 rue du Four, 69001 Lyon."
    )
    accept.get_by_role("button", name="Accept and send the instructions").click()
    expect(artist.get_by_text("Request accepted")).to_be_visible()
    expect(artist.get_by_test_id("return-state")).to_have_text("accepted")

    # The buyer reads the instructions and sends the piece back.
    buyer.reload()
    expect(buyer.get_by_test_id("return-instructions")).to_contain_text("3 rue du Four")
    ship_back = buyer.get_by_test_id("action-ship-back")
    ship_back.get_by_label("Carrier").fill("Colissimo")
    ship_back.get_by_label("Tracking number").fill("8R00012345678")
    ship_back.get_by_role("button", name="Confirm the shipment").click()
    expect(
        buyer.get_by_text("Clay Corner was told that the parcel is on its way.")
    ).to_be_visible()
    expect(buyer.get_by_test_id("return-state")).to_have_text("sent back")

    # The artist receives it and refunds the amount computed for it.
    artist.reload()
    artist.get_by_role("button", name="I received the piece").click()
    expect(artist.get_by_test_id("return-state")).to_have_text("received")
    refund = artist.get_by_test_id("action-refund")
    expect(refund.get_by_label("Amount to refund (€)")).to_have_value(
        re.compile(r"^3\d\.00$")
    )
    refund.get_by_role("button", name="Refund").click()
    expect(artist.get_by_text("Refund started")).to_be_visible()
    expect(artist.get_by_test_id("return-state")).to_have_text("refunded")

    # The buyer sees both steps, and was emailed at each.
    buyer.reload()
    expect(buyer.get_by_test_id("return-state")).to_have_text("refunded")
    steps = buyer.get_by_test_id("return-steps")
    expect(steps.locator('[data-state="received"]')).to_have_attribute(
        "data-status", "done"
    )
    expect(steps.locator('[data-state="refunded"]')).to_have_attribute(
        "data-status", "current"
    )
    timeline = buyer.get_by_test_id("return-timeline")
    expect(timeline.locator('[data-transition="receive"]')).to_contain_text(
        "Received by the artist"
    )
    expect(timeline.locator('[data-transition="refund"]')).to_contain_text("Refunded")
    expect(buyer.get_by_test_id("return-status")).to_contain_text(
        "The refund is confirmed."
    )

    return_request.refresh_from_db()
    assert return_request.state == "refunded"
    refund_row = Refund.objects.get(artist_order=line.artist_order)
    assert (refund_row.reason, refund_row.status) == ("return", "succeeded")
    assert refund_row.amount == return_request.refund_amount >= Decimal("30.00")
    emails = Notification.objects.filter(recipient=camille)
    for event in ("return_received", "return_refund_confirmed"):
        sent = emails.get(event=event)
        assert sent.status == "sent", (event, sent.status, sent.last_error)
    assert violations == []
