"""A French staff member reads the admin in French (the search field, the
column headers, the permissions), and the admin's pages carry what makes
them usable without a mouse or without colour (tests/walk runs axe-core on
them in a browser)."""

import pytest
from django.urls import reverse

from artists.models import Item
from orders.models import Order
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_staff(client):
    staff = UserFactory(
        username="support", is_staff=True, is_superuser=True, language="fr"
    )
    client.force_login(staff)
    return client


@pytest.fixture
def sale(db):
    buyer = UserFactory(username="camille", email="camille@example.com")
    return make_artist_order(buyer=buyer, artist=make_artist("potter"))


def _page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_search_field_is_labelled_in_french(french_staff, sale):
    page = _page(french_staff, "admin:orders_order_changelist")

    assert 'alt="Rechercher"' in page
    assert 'alt="Search"' not in page


def test_column_headers_are_in_french(french_staff, sale):
    artists = _page(french_staff, "admin:artists_artist_changelist")
    items = _page(french_staff, "admin:artists_item_changelist")
    order = _page(french_staff, "admin:orders_order_change", Order.objects.get().pk)

    assert ">Utilisateur</a>" in artists and ">User</a>" not in artists
    assert ">Artiste</a>" in items and ">Artist</a>" not in items
    payments = order[order.index('id="payments-group"') :]
    for french, english in [
        ("Prestataire", "Provider"),
        ("Montant", "Amount"),
        ("Statut", "Status"),
    ]:
        assert f">{french}" in payments and f">{english}" not in payments


def test_the_users_page_names_permissions_in_french_without_the_two_box_widget(
    french_staff, sale
):
    buyer = UserFactory(username="louise")

    page = _page(french_staff, "admin:accounts_user_change", buyer.pk)

    # "Can add order" is the name Django stored, in English.
    assert "Commandes | commande | " in page
    assert "Can add order" not in page
    assert "selectfilter" not in page  # Django's two-box widget (SelectFilter2)
    # Set by logging in and signing up: shown, not editable.
    assert 'name="last_login_0"' not in page
    assert 'name="date_joined_0"' not in page


def test_admin_pages_load_the_admins_own_style_and_script(french_staff, sale):
    page = _page(french_staff, "admin:artists_item_change", Item.objects.get().pk)

    assert "/static/css/admin.css" in page
    assert "/static/js/admin.js" in page
