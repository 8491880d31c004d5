"""``insert_all`` (the checkout's inserts) stores exactly what
``bulk_create`` stores, column by column, for every model the checkout
writes: amounts, dates to the microsecond, JSON with its encoder, files,
foreign keys, defaults. The primary keys come back in the objects' order,
and a value the column cannot hold fails the statement (nothing is cut or
half inserted). On SQLite it is bulk_create itself."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DataError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from marketplace.db import insert_all
from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, ArtistOrderEvent, ArtistOrderState, OrderLine
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, make_artist, make_variant

pytestmark = pytest.mark.django_db

PRECISE = datetime(2026, 11, 22, 9, 41, 7, 123456, tzinfo=ZoneInfo("Europe/Paris"))


def columns(obj) -> dict:
    """Every stored column of ``obj`` but its primary key, read back."""
    fresh = type(obj)._base_manager.get(pk=obj.pk)
    return {
        field.attname: getattr(fresh, field.attname)
        for field in type(obj)._meta.concrete_fields
        if not field.primary_key
    }


def same_rows(make, *, differ=()):
    """Insert the objects ``make()`` builds once with bulk_create and once
    with insert_all; the stored columns are the same (but ``differ``,
    unique ones)."""
    by_django = type(make()[0])._base_manager.bulk_create(make())
    by_us = insert_all(make())
    assert [o.pk for o in by_us] and all(o.pk for o in by_us)
    for expected, got in zip(by_django, by_us, strict=True):
        want, have = columns(expected), columns(got)
        for name in differ:
            want.pop(name), have.pop(name)
        assert have == want
        assert not got._state.adding


def bare_artist_order(order, artist, amount="1.00") -> ArtistOrder:
    """A new artist order of ``amount``, nothing else set (not saved)."""
    return ArtistOrder(
        order=order,
        artist=artist,
        items_total=Decimal(amount),
        shipping_fee=Decimal("0.00"),
        total=Decimal(amount),
        terms={},
    )


@pytest.fixture
def shop():
    artist = make_artist("potter")
    return artist, make_variant(artist, price="24.50")


def test_artist_orders_with_amounts_terms_and_dates_are_stored_as_by_django(shop):
    artist, _variant = shop
    buyer = UserFactory()

    def make():
        order = OrderFactory(buyer=buyer)
        return [
            ArtistOrder(
                order=order,
                artist=artist,
                items_total=Decimal("49.00"),
                shipping_fee=Decimal("4.90"),
                discount=Decimal("1.10"),
                total=Decimal("52.80"),
                terms={**artist.terms_snapshot(), "note": "Glazed \"by hand\" — à la main"},
                shipping_zone="eu",
                dispatch_date=date(2026, 12, 1),
                acceptance_deadline=PRECISE,
                created_at=PRECISE,
            )
        ]

    same_rows(make, differ=("order_id", "updated_at"))
    stored = ArtistOrder.objects.order_by("-pk").first()
    assert stored.created_at == PRECISE  # to the microsecond, whatever the zone
    assert stored.terms["note"] == 'Glazed "by hand" — à la main'


def test_lines_with_photos_and_text_are_stored_as_by_django(shop):
    artist, variant = shop
    buyer = UserFactory()
    order = OrderFactory(buyer=buyer)
    (parent,) = insert_all([bare_artist_order(order, artist, "24.50")])

    def make():
        return [
            OrderLine(
                artist_order=parent,
                variant=variant,
                item_id_snapshot=variant.item_id,
                title="Bol « tourné » 'main'\n\\ ; DROP TABLE",
                variant_name="Bleu",
                unit_price=Decimal("24.50"),
                quantity=quantity,
                line_total=Decimal("24.50") * quantity,
                personalised=bool(photo),
                personalisation_text="Pour Zoé ✨" if photo else "",
                personalisation_photo=photo,
            )
            for quantity, photo in ((1, "personalisation/ab12.jpg"), (3, ""))
        ]

    same_rows(make)


def test_history_rows_with_lazy_notes_and_no_author_are_stored_as_by_django(shop):
    artist, _variant = shop
    order = OrderFactory(buyer=UserFactory())
    (parent,) = insert_all([bare_artist_order(order, artist)])

    def make():
        return [
            ArtistOrderEvent(
                artist_order=parent,
                from_state="awaiting_payment",
                to_state="awaiting_acceptance",
                transition="pay",
                by=by,
                note=gettext_lazy("Paid."),
                at=PRECISE,
            )
            for by in (order.buyer, None)
        ]

    same_rows(make)


def test_emails_with_their_context_are_stored_as_by_django():
    recipient = UserFactory(email="zoe@example.com")
    keys = iter(range(100))

    def make():
        return [
            Notification(
                recipient=recipient,
                to_email=recipient.email,
                event="new_order",
                language="fr",
                context={
                    "total": Decimal("52.80"),  # the field's encoder: "52.80"
                    "placed_at": PRECISE,
                    "due": date(2026, 12, 1),
                    "lines": [{"title": 'Vase "Ocre"', "quantity": 2, "photo": False}],
                    "nothing": None,
                },
                dedupe_key=f"test-insert-all:{next(keys)}",
                available_at=PRECISE + timedelta(minutes=5),
            )
        ]

    same_rows(make, differ=("dedupe_key", "created_at"))


@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
def test_values_django_would_convert_are_converted_as_django_does(shop):
    """A naive datetime, a datetime for a date, a float for an amount, a
    choice given as its enum, an int for a text: each goes through its
    field, as bulk_create sends it."""
    artist, _variant = shop
    buyer = UserFactory()

    def make():
        order = OrderFactory(buyer=buyer)
        return [
            ArtistOrder(
                order=order,
                artist=artist,
                state=ArtistOrderState.AWAITING_PAYMENT,
                items_total=49,
                shipping_fee=4.9,
                discount=Decimal("1.10"),
                total=Decimal("52.8"),
                terms={},
                shipping_zone=7,
                dispatch_date=datetime(2026, 12, 1, 15, 30, tzinfo=ZoneInfo("UTC")),
                acceptance_deadline=datetime(2026, 12, 2, 9, 41, 7, 123456),
            )
        ]

    same_rows(make, differ=("order_id", "updated_at", "created_at"))


def test_primary_keys_come_back_in_the_order_of_the_objects():
    recipient = UserFactory()
    rows = insert_all(
        [
            Notification(recipient=recipient, to_email=f"n{n}@example.com", event="e", language="en")
            for n in range(40)
        ]
    )
    assert {n.pk: n.to_email for n in rows} == dict(
        Notification.objects.filter(pk__in=[n.pk for n in rows]).values_list("pk", "to_email")
    )


def test_nothing_to_insert_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_all([]) == []


@pytest.mark.postgres
def test_a_value_too_long_for_its_column_fails_and_inserts_nothing():
    """A long value is an error, as with bulk_create, never cut."""
    recipient = UserFactory()
    before = Notification.objects.count()
    with pytest.raises(DataError), transaction.atomic():
        insert_all(
            [
                Notification(recipient=recipient, to_email="a@example.com", event="ok", language="en"),
                Notification(recipient=recipient, to_email="b@example.com", event="x" * 61, language="en"),
            ]
        )
    assert Notification.objects.count() == before


@pytest.mark.postgres
def test_one_statement_on_postgresql(django_assert_num_queries):
    recipient = UserFactory()
    with django_assert_num_queries(1) as captured:
        insert_all(
            [Notification(recipient=recipient, to_email="a@example.com", event="e", language="en")] * 1
            + [Notification(recipient=recipient, to_email="b@example.com", event="e", language="en")]
        )
    assert "jsonb_to_recordset" in captured.captured_queries[0]["sql"]
    assert connection.vendor == "postgresql"


def test_created_at_defaults_and_auto_now_are_filled(shop):
    artist, _variant = shop
    before = timezone.now()
    (artist_order,) = insert_all([bare_artist_order(OrderFactory(buyer=UserFactory()), artist)])
    stored = ArtistOrder.objects.get(pk=artist_order.pk)
    assert stored.state == "awaiting_payment"
    assert stored.paid == Decimal("0.00") and stored.refunded == Decimal("0.00")
    assert stored.updated_at >= before
