"""The artist's money pages: balances and holds with their links, payouts
and what each paid, the ledger by month and its CSV statement."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payouts.models import Payout
from payouts.services.holds import adjustment_create, payouts_hold
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order
from tests.orders.helpers import logged_in
from tests.returns.factories import make_line, make_return

from .helpers import buyer, run

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def artist(db):
    return make_artist("potter")


@pytest.fixture
def artist_client(artist):
    return logged_in(artist.user)


def test_the_money_page_shows_each_balance_and_why_money_is_held(artist, artist_client):
    make_artist_order(
        buyer=buyer("a"), artist=artist, state="completed", price="45.00", quantity=2
    )
    make_artist_order(
        buyer=buyer("b"), artist=artist, state="shipped", price="45.00", quantity=2
    )
    line = make_line(buyer=buyer("c"), artist=artist, state="completed", price="45.00")
    return_request = make_return(line=line, state="requested")
    response = artist_client.get(reverse("dashboard:money"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="available">83.60 €' in html
    assert 'data-testid="pending">83.60 €' in html
    assert 'data-testid="on-hold">83.60 €' in html
    assert reverse("dashboard:return", args=[return_request.pk]) in html
    assert "Commission: 12 %" in html
    assert html.count('data-testid="entry"') == 6


def test_in_french(artist, artist_client):
    artist.user.language = "fr"
    artist.user.save()
    make_artist_order(
        buyer=buyer("a"), artist=artist, state="completed", price="45.00", quantity=2
    )
    response = artist_client.get(reverse("dashboard:money"), HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert "Disponible" in html
    assert "83,60 €" in html


def test_a_staff_hold_is_explained(artist, artist_client):
    make_artist_order(buyer=buyer("a"), artist=artist, state="completed")
    staff = UserFactory(username="support", email="s@example.com", is_staff=True)
    payouts_hold(artist=artist, by=staff, reason="We need your bank details.")
    html = artist_client.get(reverse("dashboard:money")).content.decode()
    assert 'data-testid="staff-hold"' in html
    assert "We need your bank details." in html


def test_payouts_open_to_the_artist_orders_they_pay(artist, artist_client):
    first = make_artist_order(
        buyer=buyer("a"), artist=artist, state="completed", price="45.00", quantity=2
    )
    payout = run().payouts.get()
    html = artist_client.get(reverse("dashboard:money")).content.decode()
    assert reverse("dashboard:payout", args=[payout.pk]) in html
    detail = artist_client.get(reverse("dashboard:payout", args=[payout.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert first.order.number in text
    for amount in ("95.00 €", "−11.40 €", "83.60 €"):
        assert amount in text


def test_another_shops_payout_is_a_404(artist):
    make_artist_order(buyer=buyer("a"), artist=artist, state="completed")
    payout = run().payouts.get()
    other = make_artist("weaver")
    response = logged_in(other.user).get(reverse("dashboard:payout", args=[payout.pk]))
    assert response.status_code == 404
    customer = logged_in(buyer("z"))
    assert customer.get(reverse("dashboard:money")).status_code == 404


def test_the_ledger_by_month_and_its_statement(artist, artist_client):
    make_artist_order(
        buyer=buyer("a"), artist=artist, state="completed", price="45.00", quantity=2
    )
    run()
    month = timezone.localdate().strftime("%Y-%m")
    html = artist_client.get(
        reverse("dashboard:money"), {"month": month}
    ).content.decode()
    assert html.count('data-testid="entry"') == 3  # sale, commission, payout
    assert reverse("dashboard:money_statement", args=[month]) in html
    empty = artist_client.get(
        reverse("dashboard:money"), {"month": "2001-01"}
    ).content.decode()
    assert 'data-testid="no-entries"' in empty
    wrong = artist_client.get(reverse("dashboard:money"), {"month": "soon"})
    assert wrong.status_code == 200
    assert "Choose a month from the list." in wrong.content.decode()

    response = artist_client.get(reverse("dashboard:money_statement", args=[month]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["date", "kind"]
    assert [row[1] for row in rows[1:]] == [
        "opening_balance",
        "sale",
        "commission",
        "payout",
        "closing_balance",
    ]
    assert rows[-1][-1] == "0.00"
    assert (
        artist_client.get(
            reverse("dashboard:money_statement", args=["2026-13"])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("month", ["9999-12", "0001-01"])
def test_a_month_out_of_range_is_refused_not_a_500(artist_client, month):
    page = artist_client.get(reverse("dashboard:money"), {"month": month})
    assert page.status_code == 200
    assert "Choose a month from the list." in page.content.decode()
    csv_page = artist_client.get(reverse("dashboard:money_statement", args=[month]))
    assert csv_page.status_code == 404


@pytest.mark.parametrize("size", [1, 8])
def test_the_money_page_costs_the_same_whatever_its_size(
    artist, artist_client, size, django_assert_max_num_queries
):
    for index in range(size):
        make_artist_order(buyer=buyer(f"s{index}"), artist=artist, state="completed")
        make_artist_order(buyer=buyer(f"p{index}"), artist=artist, state="shipped")
        run()
    line = make_line(buyer=buyer("r"), artist=artist, state="completed")
    make_return(line=line, state="requested")
    with django_assert_max_num_queries(16):
        response = artist_client.get(reverse("dashboard:money"))
    assert response.status_code == 200
    payout = Payout.objects.filter(artist=artist).first()
    with django_assert_max_num_queries(12):
        page = artist_client.get(reverse("dashboard:payout", args=[payout.pk]))
    assert page.content.decode().count('data-testid="payout-part"') == 1


def test_a_note_in_the_statement_is_never_a_formula(artist, artist_client):
    staff = UserFactory(username="support", email="s@example.com", is_staff=True)
    adjustment_create(artist=artist, amount="5.00", reason="=HYPERLINK(1)", by=staff)
    month = timezone.localdate().strftime("%Y-%m")
    response = artist_client.get(reverse("dashboard:money_statement", args=[month]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[2][4] == "'=HYPERLINK(1)"
