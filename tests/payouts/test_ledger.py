"""The ledger: what each change of money writes, commission and its
reversal to the cent, append-only rows, balances sorted into pending,
available and on hold, and why."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from orders.models import ArtistOrder
from orders.services import artist_order_cancel, refund_create, refund_mark_failed
from orders.services.staff import artist_order_staff_refund
from payouts.models import (
    CommissionDefault,
    LedgerEntry,
    LedgerTransaction,
    PayoutAccount,
)
from payouts.rules import commission_of, commission_reversal
from payouts.services.holds import payouts_hold
from tests.factories import UserFactory
from tests.orders.factories import checkout_body, make_artist, make_artist_order
from tests.orders.helpers import report_not_received
from tests.orders.lifecycle_factories import paid_artist_order
from tests.returns.factories import make_line, make_return

from .helpers import (
    ZERO,
    assert_ledger_balanced,
    balance_for,
    buyer,
    owed,
)

pytestmark = pytest.mark.django_db
D = Decimal


def kinds(artist_order):
    return {
        (entry.account, entry.kind): entry.amount
        for entry in LedgerEntry.objects.filter(artist_order=artist_order)
    }


@pytest.fixture
def staff(db):
    return UserFactory(username="support", email="support@example.com", is_staff=True)


class TestPayment:
    def test_checkout_writes_the_sale_and_the_commission(self):
        artist_order, _variant = paid_artist_order(price="26.15", quantity=2)
        # 57.30 paid; 12 % = 6.876 -> 6.88
        assert kinds(artist_order) == {
            ("artist", "sale"): D("57.30"),
            ("buyers", "sale"): D("-57.30"),
            ("artist", "commission"): D("-6.88"),
            ("commission", "commission"): D("6.88"),
        }
        record = LedgerTransaction.objects.get(artist_order=artist_order)
        assert record.kind == "payment"
        assert record.commission_rate == D("0.1200")
        assert_ledger_balanced()

    def test_staff_default_and_shop_rate(self):
        CommissionDefault.objects.create(pk=1, rate=D("0.10"))
        artist_order, _v = paid_artist_order(price="45.00", quantity=2)
        assert kinds(artist_order)[("commission", "commission")] == D("9.50")
        special = make_artist("weaver")
        PayoutAccount.objects.create(artist=special, commission_rate=D("0.05"))
        other, _v = paid_artist_order(
            artist=special, buyer=buyer("louis"), price="45.00", quantity=2
        )
        assert kinds(other)[("commission", "commission")] == D("4.75")
        assert balance_for(artist=special).commission_rate == D("0.05")

    def test_a_declined_payment_writes_nothing(self, buyer_api, variant):
        buyer_api.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1})
        response = buyer_api.post(
            "/api/v1/checkout/", checkout_body(token="fail"), format="json"
        )
        assert response.status_code == 402
        assert not LedgerEntry.objects.exists()


class TestCommissionReversal:
    @pytest.mark.parametrize(
        ("commission", "paid", "refunds", "expected"),
        [
            # 6.88 on 57.30: 20.10 -> 2.4134 -> 2.41; the rest gives back the rest.
            (D("6.88"), D("57.30"), [D("20.10"), D("37.20")], [D("2.41"), D("4.47")]),
            # Half a cent rounds up.
            (D("1.00"), D("10.00"), [D("0.05")], [D("0.01")]),
            # Rounding never gives back more than was taken.
            (D("0.01"), D("0.10"), [D("0.05"), D("0.05")], [D("0.01"), D("0.00")]),
            # Three thirds: 0.40 each, the last one exactly what is left.
            (
                D("1.20"),
                D("10.00"),
                [D("3.33"), D("3.33"), D("3.34")],
                [D("0.40"), D("0.40"), D("0.40")],
            ),
        ],
    )
    def test_in_proportion_to_the_cent(self, commission, paid, refunds, expected):
        given, refunded = [], ZERO
        for refund in refunds:
            back = commission_reversal(
                commission=commission,
                paid=paid,
                refund=refund,
                refunded_before=refunded,
                reversed_before=sum(given, ZERO),
            )
            given.append(back)
            refunded += refund
        assert given == expected
        if refunded == paid:
            assert sum(given, ZERO) == commission

    def test_commission_of_rounds_half_up(self):
        assert commission_of(D("10.40"), D("0.125")) == D("1.30")
        assert commission_of(D("0.04"), D("0.125")) == D("0.01")

    def test_a_partial_refund_writes_the_refund_and_the_reversal(self, staff):
        artist_order, _v = paid_artist_order(price="26.15", quantity=2)
        artist_order_staff_refund(
            artist_order=artist_order,
            by=staff,
            amount="20.10",
            note="Chipped.",
            idempotency_key="t1",
        )
        entries = kinds(artist_order)
        assert entries[("artist", "refund")] == D("-20.10")
        assert entries[("artist", "commission_reversal")] == D("2.41")
        assert entries[("commission", "commission_reversal")] == D("-2.41")
        # 57.30 - 6.88 - 20.10 + 2.41
        assert owed(artist_order.artist) == D("32.73")
        assert_ledger_balanced()

    def test_a_full_refund_leaves_nothing_owed_and_no_commission(self):
        artist_order, _v = paid_artist_order(price="26.15", quantity=2)
        artist_order_cancel(
            artist_order=ArtistOrder.objects.get(pk=artist_order.pk),
            by=artist_order.order.buyer,
        )
        assert owed(artist_order.artist) == ZERO
        kept = sum(
            LedgerEntry.objects.filter(account="commission").values_list(
                "amount", flat=True
            ),
            ZERO,
        )
        assert kept == ZERO
        assert_ledger_balanced()

    def test_a_refund_the_provider_refuses_is_given_back(self):
        artist_order, _v = paid_artist_order(price="26.15", quantity=2)
        refund = refund_create(
            artist_order=artist_order,
            amount="20.10",
            reason="staff",
            idempotency_key="k",
        )
        refund_mark_failed(refund=refund, message="closed card")
        assert owed(artist_order.artist) == D("50.42")  # 57.30 - 6.88, as before
        assert LedgerTransaction.objects.filter(kind="refund_failed").count() == 1
        # Recorded once whatever the retries.
        refund_mark_failed(refund=refund, message="again")
        assert LedgerTransaction.objects.filter(kind="refund_failed").count() == 1
        assert_ledger_balanced()


class TestAppendOnly:
    def test_the_models_refuse_changes(self):
        artist_order, _v = paid_artist_order()
        entry = LedgerEntry.objects.filter(artist_order=artist_order).first()
        entry.amount = D("1.00")
        with pytest.raises(TypeError):
            entry.save()
        with pytest.raises(TypeError):
            entry.delete()
        with pytest.raises(TypeError):
            entry.transaction.delete()

    @pytest.mark.postgres
    def test_the_database_refuses_changes(self):
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (DATABASE_URL)")
        artist_order, _v = paid_artist_order()
        for sql in (
            "UPDATE payouts_ledgerentry SET amount = 0.01",
            "DELETE FROM payouts_ledgerentry",
            "UPDATE payouts_ledgertransaction SET memo = 'x'",
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql)
        assert LedgerEntry.objects.filter(artist_order=artist_order).count() == 4


class TestBalance:
    def test_pending_until_completed_then_available(self):
        artist = make_artist("potter")
        make_artist_order(
            buyer=buyer("a"), artist=artist, state="shipped", price="45.00", quantity=2
        )
        make_artist_order(
            buyer=buyer("b"),
            artist=artist,
            state="completed",
            price="45.00",
            quantity=2,
        )
        balance = balance_for(artist=artist)
        assert (balance.pending, balance.available, balance.on_hold) == (
            D("83.60"),
            D("83.60"),
            ZERO,
        )
        assert balance.paid_out == ZERO

    def test_an_open_return_holds_its_artist_order(self):
        artist = make_artist("potter")
        line = make_line(
            buyer=buyer("a"), artist=artist, state="completed", price="45.00"
        )
        return_request = make_return(line=line, state="requested")
        balance = balance_for(artist=artist)
        assert balance.available == ZERO
        assert balance.on_hold == D("83.60")
        [hold] = balance.holds
        assert hold.reason == "return"
        assert hold.return_request_id == return_request.pk
        assert hold.artist_order.pk == line.artist_order_id

    def test_a_cancellation_request_and_a_not_received_report_hold(self):
        artist = make_artist("potter")
        accepted = make_artist_order(buyer=buyer("a"), artist=artist, state="accepted")
        artist_order_cancel(
            artist_order=accepted, by=accepted.order.buyer, reason="Too late"
        )
        shipped = make_artist_order(buyer=buyer("b"), artist=artist, state="shipped")
        ArtistOrder.objects.filter(pk=shipped.pk).update(
            shipped_at=timezone.now() - timezone.timedelta(days=40)
        )
        report_not_received(shipped, shipped.order.buyer)
        reasons = {
            hold.artist_order.pk: hold.reason
            for hold in balance_for(artist=artist).holds
        }
        assert reasons == {accepted.pk: "cancellation", shipped.pk: "not_received"}
        assert balance_for(artist=artist).pending == ZERO

    def test_a_staff_hold_puts_what_is_available_on_hold(self, staff):
        artist = make_artist("potter")
        make_artist_order(
            buyer=buyer("a"),
            artist=artist,
            state="completed",
            price="45.00",
            quantity=2,
        )
        payouts_hold(artist=artist, by=staff, reason="Identity check")
        balance = balance_for(artist=artist)
        assert balance.available == ZERO
        assert balance.on_hold == D("83.60")
        assert balance.holds[0].reason == "staff"
        assert balance.holds[0].note == "Identity check"
