"""The demo has money to show: an artist with sales completed and paid
out, held and pending, and a payout the bank refused."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from artists.models import Artist
from payouts.models import Payout, PayoutStatus
from payouts.selectors import balance_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_money_to_show(capsys):
    call_command("seed_demo")
    jonas = balance_for(artist=Artist.objects.get(slug="jonas-weaves"))
    assert jonas.paid_out > 0
    assert jonas.available > 0
    assert jonas.pending > 0
    assert "return" in [hold.reason for hold in jonas.holds]
    statuses = set(Payout.objects.values_list("artist__slug", "status"))
    assert statuses == {
        ("jonas-weaves", PayoutStatus.PAID),
        ("mika-silver", PayoutStatus.FAILED),
    }
    assert balance_for(
        artist=Artist.objects.get(slug="mika-silver")
    ).available > Decimal(0)
    # Run again: nothing more.
    call_command("seed_demo")
    assert Payout.objects.count() == 2
    assert "louise" in capsys.readouterr().out
