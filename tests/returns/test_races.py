"""Races on PostgreSQL with real threads and real transactions: twenty
refunds of one received return pay it once, refunds never exceed what was
paid, and two requests racing for the same pieces cannot both get them."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django_fsm import ConcurrentTransition

from marketplace.errors import Conflict, DomainError
from orders.models import ArtistOrder, Refund, RefundStatus
from returns import services
from returns.models import ReturnRequest
from tests.factories import UserFactory

from .factories import make_artist, make_line, make_return, staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LOST = (Conflict, ConcurrentTransition, DomainError)


def run_together(*calls):
    """Run ``calls`` in threads released at the same instant by a barrier;
    returns, in order, ``("won", result)``, ``("lost", error)`` for a
    refused or lost transition, or ``("error", error)`` for anything else.
    Each thread closes its own database connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=20)
            results[index] = ("won", call())
        except LOST as error:
            results[index] = ("lost", error)
        except Exception as error:  # reported by the assertions
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


@pytest.fixture
def line():
    buyer = UserFactory(username="camille", email="camille@example.com")
    # 2 × 47.50 € + 5.00 € shipping: 100.00 € paid.
    return make_line(
        buyer=buyer, artist=make_artist("potter"), quantity=2, price="47.50"
    )


def non_failed_refunds(artist_order_id) -> Decimal:
    return Refund.objects.filter(artist_order_id=artist_order_id).exclude(
        status=RefundStatus.FAILED
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def test_twenty_concurrent_refunds_of_one_received_return_pay_it_once(line):
    rr = make_return(line=line, state="received", quantity=2, reason="damaged")
    artist_user = rr.artist_order.artist.user

    def refund():
        return services.return_request_refund(
            return_request=ReturnRequest.objects.get(pk=rr.pk), by=artist_user
        )

    results = run_together(*[refund for _ in range(20)])

    outcomes = [outcome for outcome, _ in results]
    assert outcomes.count("won") == 1, results
    assert outcomes.count("lost") == 19, results
    assert Refund.objects.filter(artist_order_id=line.artist_order_id).count() == 1
    artist_order = ArtistOrder.objects.get(pk=line.artist_order_id)
    assert (
        non_failed_refunds(artist_order.pk)
        == artist_order.refunded
        == Decimal("100.00")
    )
    assert artist_order.refunded <= artist_order.paid
    assert ReturnRequest.objects.get(pk=rr.pk).state == "refunded"
    assert (
        ReturnRequest.objects.get(pk=rr.pk).history.filter(transition="refund").count()
        == 1
    )


def test_refunds_of_two_returns_and_staff_racing_never_exceed_what_was_paid(line):
    first = make_return(line=line, state="received", quantity=1, reason="damaged")
    second = make_return(line=line, state="escalated", quantity=1, reason="damaged")
    artist_user = first.artist_order.artist.user
    support = staff_user()

    def artist_refund():
        return services.return_request_refund(
            return_request=ReturnRequest.objects.get(pk=first.pk), by=artist_user
        )

    def staff_refund():
        return services.return_request_staff_decide(
            return_request=ReturnRequest.objects.get(pk=second.pk),
            by=support,
            decision="refund",
            amount="100.00",
        )

    results = run_together(*([artist_refund] * 5 + [staff_refund] * 5))

    assert not [r for r in results if r[0] == "error"], results
    artist_order = ArtistOrder.objects.get(pk=line.artist_order_id)
    assert non_failed_refunds(artist_order.pk) == artist_order.refunded
    assert artist_order.refunded <= artist_order.paid == Decimal("100.00")
    assert Refund.objects.filter(artist_order_id=artist_order.pk).count() in (1, 2)


def test_two_requests_racing_for_the_same_pieces_cannot_both_get_them(line):
    buyer = line.artist_order.order.buyer

    def ask():
        return services.return_request_create(
            buyer=buyer, line=line, quantity=2, kind="return", reason="changed_mind"
        )

    results = run_together(*[ask for _ in range(8)])

    assert [outcome for outcome, _ in results].count("won") == 1, results
    assert ReturnRequest.objects.filter(line=line).count() == 1
