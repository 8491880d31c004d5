"""In Chromium, under the real Content-Security-Policy: no page of ours, the
admin or the API docs triggers a CSP violation, and the behaviours moved to
static/js/site.js still work."""

import pytest
from playwright.sync_api import expect

from tests.factories import ItemFactory, UserFactory, VariantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def violations(page):
    """CSP violations the page reports (console errors and securitypolicyviolation events)."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return found


def test_language_switch_submits_itself_without_an_inline_handler(
    page, live_server, violations
):
    page.goto(f"{live_server.url}/")

    page.select_option("#language-select", "fr")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert violations == []


def test_item_page_caps_the_quantity_at_the_stock_of_the_chosen_variant(
    page, live_server, violations
):
    item = ItemFactory(title="Glazed cup")
    VariantFactory(item=item, name="Small", stock=2)
    VariantFactory(item=item, name="Large", stock=7)

    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    page.get_by_label("Large").check()

    expect(page.get_by_label("Quantity")).to_have_attribute("max", "7")
    assert violations == []


def test_signup_shows_the_shop_name_only_to_future_artists(
    page, live_server, violations
):
    page.goto(f"{live_server.url}/accounts/signup/")
    shop_name = page.locator('[data-field="shop_name"]')
    radios = page.locator('input[name="role"]')
    if radios.count() < 2:
        pytest.skip("the sign-up form has no role choice")

    radios.nth(0).check()
    hidden_for_buyer = shop_name.is_hidden()
    page.locator('input[name="role"][value="artist"]').check()

    assert hidden_for_buyer
    expect(shop_name).to_be_visible()
    assert violations == []


def test_admin_works_under_the_csp(page, live_server, violations):
    UserFactory(
        username="boss", password="a-long-secret-2026", is_staff=True, is_superuser=True
    )

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "a-long-secret-2026")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/orders/order/")

    expect(page.locator("#content h1")).to_be_visible()
    assert violations == []


def test_api_docs_render_offline_under_the_csp(page, live_server, violations):
    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Atelier marketplace API"
    )
    assert violations == []
