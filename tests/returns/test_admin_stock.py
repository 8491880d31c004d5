"""Staff move stock from the admin as the artist does from the dashboard:
"Mark received" may put the pieces back in stock, and a replacement with
none left is refused with the refund offered instead."""

import pytest

from artists.models import Variant
from returns.models import ReturnRequest
from tests.staff.helpers import logged_in, transition_url

from .factories import make_return, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(db):
    return logged_in(staff_user(is_superuser=True))


def stock_of(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def test_mark_received_can_put_the_pieces_back_in_stock(staff_client, line):
    return_request = make_return(line=line, state="in_transit", quantity=2)
    before = stock_of(line.variant)

    form = staff_client.get(transition_url(return_request, "receive"))
    staff_client.post(transition_url(return_request, "receive"), {"restock": "on"})

    assert 'name="restock"' in form.content.decode()
    assert ReturnRequest.objects.get(pk=return_request.pk).state == "received"
    assert stock_of(line.variant) == before + 2


def test_a_replacement_with_none_left_is_refused_with_the_refund_offered(
    staff_client, line
):
    return_request = make_return(
        line=line, state="received", kind="exchange", reason="wrong_size"
    )
    Variant.objects.filter(pk=line.variant_id).update(stock=0)

    response = staff_client.post(
        transition_url(return_request, "ship_replacement"),
        {"carrier": "Colissimo", "tracking_number": "8R1"},
        follow=True,
    )

    assert "refund the exchange instead" in response.content.decode()
    assert ReturnRequest.objects.get(pk=return_request.pk).state == "received"
    assert stock_of(line.variant) == 0
