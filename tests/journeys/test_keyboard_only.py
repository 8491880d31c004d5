"""Without a mouse: a buyer logs in, chooses a variant, adds it to the cart,
checks out and pays; another asks to return a piece. Only the keyboard:
Tab to move, Space to tick, Enter to follow a link or send a form (and the
arrow keys inside a drop-down list, as a keyboard does), typing in the
fields; every control reached shows where the focus is."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order
from returns.models import ReturnRequest
from tests.factories import ArtistFactory, ItemFactory, UserFactory, VariantFactory
from tests.returns.factories import make_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
MAX_TABS = 80

# Whether the focused element shows it: an outline or a shadow of its own.
FOCUS_SHOWN_JS = """el => {
  const style = getComputedStyle(el);
  return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== 'none';
}"""
DESCRIBE_JS = """el => el ? (el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.name ? '[name=' + el.name + ']' : '') + ' ' + (el.innerText || el.value || '')
    .trim().slice(0, 40)) : 'nothing'"""


def tab_to(page, target, *, backwards=False) -> None:
    """Press Tab (Shift+Tab) until ``target`` has the focus, which it must
    show; fails with the places the focus went through."""
    path = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if target.evaluate("el => el === document.activeElement"):
            assert target.evaluate(FOCUS_SHOWN_JS), (
                f"the focus on {target} is not visible"
            )
            return
        path.append(page.evaluate(f"({DESCRIBE_JS})(document.activeElement)"))
    pytest.fail(f"Tab never reached {target}; it went through: {path}")


def type_into(page, field, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)


def choose(page, select, value: str) -> None:
    """Choose ``value`` in a focused drop-down list with the arrow keys."""
    tab_to(page, select)
    for _ in range(30):
        if select.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{value!r} could not be chosen in {select} with the keyboard")


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.get_by_test_id("login-form")
    type_into(page, form.get_by_label("Username"), username)
    type_into(page, form.get_by_label("Password"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=username)).to_be_visible()


def test_a_buyer_chooses_a_variant_and_pays_with_the_keyboard_only(page, live_server):
    shop = ArtistFactory(name="Loom Room", slug="loom-room")
    scarf = ItemFactory(artist=shop, title="Wool scarf", price="55.00")
    VariantFactory(item=scarf, name="Natural", stock=2, position=0)
    charcoal = VariantFactory(item=scarf, name="Charcoal", stock=2, position=1)
    UserFactory(username="camille", email="camille@example.com", language="en")
    log_in(page, live_server, "camille")

    page.goto(f"{live_server.url}{scarf.get_absolute_url()}")
    natural = page.get_by_role("radio", name=re.compile("Natural"))
    tab_to(page, natural)
    page.keyboard.press("ArrowDown")  # the next option of the group: Charcoal
    expect(page.get_by_role("radio", name=re.compile("Charcoal"))).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Add to cart"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cart-size")).to_have_text("1")
    tab_to(page, page.get_by_test_id("cart-link"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_test_id("checkout-button"))
    page.keyboard.press("Enter")
    form = page.get_by_test_id("checkout-form")
    type_into(page, form.get_by_label("Full name"), "Camille Martin")
    type_into(page, form.get_by_label("Address", exact=True), "12 rue des Tisserands")
    type_into(page, form.get_by_label("Postcode"), "44000")
    type_into(page, form.get_by_label("City"), "Nantes")
    tab_to(page, form.get_by_label("Test card that pays"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_test_id("pay-button"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/account/orders/[^/]+/$"))
    order = Order.objects.get(buyer__username="camille")
    assert page.url.endswith(f"/account/orders/{order.number}/")
    assert [line.variant_id for line in order.artist_orders.get().lines.all()] == [
        charcoal.pk
    ]


def test_a_buyer_asks_for_a_return_with_the_keyboard_only(page, live_server):
    shop = ArtistFactory(name="Clay Corner", slug="clay-corner")
    camille = UserFactory(username="camille", email="camille@example.com")
    line = make_line(buyer=camille, artist=shop, quantity=1, price="30.00")
    log_in(page, live_server, "camille")

    page.goto(f"{live_server.url}/account/orders/{line.artist_order.order.number}/")
    tab_to(page, page.get_by_test_id("return-line"))
    page.keyboard.press("Enter")
    form = page.get_by_test_id("return-form")
    choose(page, form.get_by_label("Reason"), "changed_mind")
    type_into(page, form.get_by_label("Comment"), "Too small for my table.")
    tab_to(page, form.get_by_role("button", name="Send my request"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your request was sent to Clay Corner.")).to_be_visible()
    request = ReturnRequest.objects.get()
    assert (request.line_id, request.reason, request.comment) == (
        line.pk,
        "changed_mind",
        "Too small for my table.",
    )
