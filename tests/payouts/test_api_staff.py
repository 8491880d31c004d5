"""Staff's money doors through the API (api.md, "Money (artists)"): a payout
run now, idempotent; holding and releasing a shop's payouts with a reason;
refused to anyone else."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from payouts.models import Payout, PayoutHoldEvent, PayoutRun, PayoutStatus
from payouts.selectors import balance_for
from tests.artists.helpers import client_for
from tests.orders.factories import make_artist, make_artist_order
from tests.returns.factories import staff_user

from .helpers import buyer, run

pytestmark = pytest.mark.django_db

RUN = "/api/v1/staff/payouts/run/"


def hold_url(artist):
    return f"/api/v1/staff/artists/{artist.slug}/hold-payouts/"


def release_url(artist):
    return f"/api/v1/staff/artists/{artist.slug}/release-payouts/"


@pytest.fixture
def artist(db):
    artist = make_artist("potter")
    make_artist_order(
        buyer=buyer("a"), artist=artist, state="completed", price="45.00", quantity=2
    )
    return artist


@pytest.fixture
def staff(db):
    return staff_user()


@pytest.fixture
def staff_api(staff):
    return client_for(staff)


class TestPayoutRun:
    def test_pays_every_available_balance_once(
        self, artist, staff, staff_api, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_api.post(RUN)

        assert response.status_code == 200
        body = response.json()
        payout = Payout.objects.get()
        assert body["payouts_count"] == 1
        assert body["total"] == "83.60"
        assert body["payouts"][0]["id"] == payout.pk
        assert body["payouts"][0]["artist"] == artist.slug
        assert body["payouts"][0]["amount"] == "83.60"
        assert PayoutRun.objects.get(pk=body["id"]).started_by == staff
        assert payout.status == PayoutStatus.PAID
        assert [mail.to for mail in mailoutbox] == [[artist.user.email]]

    def test_a_second_run_pays_nothing_more(
        self, artist, staff_api, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            staff_api.post(RUN)

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_api.post(RUN)

        assert response.status_code == 200
        assert response.json()["payouts_count"] == 0
        assert response.json()["total"] == "0.00"
        assert response.json()["payouts"] == []
        assert Payout.objects.count() == 1
        assert balance_for(artist=artist).paid_out == Decimal("83.60")

    def test_is_refused_to_everyone_but_staff(self, artist):
        assert client_for(artist.user).post(RUN).status_code == 403
        assert client_for(buyer("z")).post(RUN).status_code == 403
        assert APIClient().post(RUN).status_code == 401
        assert not PayoutRun.objects.exists()
        assert not Payout.objects.exists()


class TestHoldPayouts:
    def test_holds_the_shops_payouts_with_the_reason(self, artist, staff, staff_api):
        response = staff_api.post(
            hold_url(artist), {"reason": "Bank details missing."}, format="json"
        )

        assert response.status_code == 200
        body = response.json()
        assert body["artist"] == artist.slug
        assert body["held_by_staff"] is True
        assert body["hold_reason"] == "Bank details missing."
        assert body["available"] == "0.00"
        assert body["on_hold"] == "83.60"
        event = PayoutHoldEvent.objects.get()
        assert (event.action, event.reason, event.by) == (
            "hold",
            "Bank details missing.",
            staff,
        )
        assert run().payouts_count == 0

    @pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
    def test_a_reason_is_required(self, artist, staff_api, body):
        response = staff_api.post(hold_url(artist), body, format="json")

        assert response.status_code == 400
        assert list(response.json()) == ["reason"]
        assert not balance_for(artist=artist).held_by_staff
        assert not PayoutHoldEvent.objects.exists()

    def test_a_reason_too_long_is_a_400(self, artist, staff_api):
        response = staff_api.post(
            hold_url(artist), {"reason": "x" * 2001}, format="json"
        )

        assert response.status_code == 400
        assert list(response.json()) == ["reason"]

    def test_holding_held_payouts_is_a_409_with_the_state(self, artist, staff_api):
        staff_api.post(hold_url(artist), {"reason": "Checking."}, format="json")

        response = staff_api.post(hold_url(artist), {"reason": "Again."}, format="json")

        assert response.status_code == 409
        assert response.json()["state"] == "held"
        assert response.json()["detail"]
        assert PayoutHoldEvent.objects.count() == 1
        assert balance_for(artist=artist).hold_reason == "Checking."

    def test_an_unknown_shop_is_a_404(self, staff_api):
        response = staff_api.post(
            "/api/v1/staff/artists/no-such-shop/hold-payouts/",
            {"reason": "Checking."},
            format="json",
        )

        assert response.status_code == 404

    def test_is_refused_to_everyone_but_staff(self, artist):
        body = {"reason": "Mine."}

        assert client_for(artist.user).post(hold_url(artist), body).status_code == 403
        assert client_for(buyer("z")).post(hold_url(artist), body).status_code == 403
        assert APIClient().post(hold_url(artist), body).status_code == 401
        assert not balance_for(artist=artist).held_by_staff


class TestReleasePayouts:
    def test_releases_held_payouts_and_the_next_run_pays(
        self, artist, staff, staff_api
    ):
        staff_api.post(hold_url(artist), {"reason": "Checking."}, format="json")

        response = staff_api.post(
            release_url(artist), {"reason": "Bank details received."}, format="json"
        )

        assert response.status_code == 200
        body = response.json()
        assert body["held_by_staff"] is False
        assert body["hold_reason"] == ""
        assert body["available"] == "83.60"
        assert body["holds"] == []
        assert list(PayoutHoldEvent.objects.values_list("action", "reason")) == [
            ("release", "Bank details received."),
            ("hold", "Checking."),
        ]
        assert run().payouts_count == 1

    def test_releasing_payouts_not_held_is_a_409_with_the_state(
        self, artist, staff_api
    ):
        response = staff_api.post(
            release_url(artist), {"reason": "Just in case."}, format="json"
        )

        assert response.status_code == 409
        assert response.json()["state"] == "active"
        assert not PayoutHoldEvent.objects.exists()

    def test_a_reason_is_required(self, artist, staff_api):
        staff_api.post(hold_url(artist), {"reason": "Checking."}, format="json")

        response = staff_api.post(release_url(artist), {}, format="json")

        assert response.status_code == 400
        assert list(response.json()) == ["reason"]
        assert balance_for(artist=artist).held_by_staff

    def test_is_refused_to_everyone_but_staff_and_unknown_shops_are_404(
        self, artist, staff_api
    ):
        staff_api.post(hold_url(artist), {"reason": "Checking."}, format="json")
        body = {"reason": "Mine."}

        assert (
            client_for(artist.user).post(release_url(artist), body).status_code == 403
        )
        assert APIClient().post(release_url(artist), body).status_code == 401
        unknown = "/api/v1/staff/artists/no-such-shop/release-payouts/"
        assert staff_api.post(unknown, body, format="json").status_code == 404
        assert balance_for(artist=artist).held_by_staff
