import pytest

from artists.jobs import send_back_in_stock_alerts
from artists.models import StockAlert, Variant
from artists.stock import stock_release
from marketplace.jobs import run_all
from marketplace.notifications.models import Notification
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold_out(artist):
    return VariantFactory(
        item__artist=artist, item__title="Moon jar", name="Celadon", stock=0
    )


@pytest.fixture
def waiting(buyer_api, sold_out):
    response = buyer_api.post(
        f"/api/v1/items/{sold_out.item.pk}/stock-alerts/",
        {"variant": sold_out.pk},
        format="json",
    )
    assert response.status_code == 201
    return sold_out


class TestBackInStockEmail:
    def test_is_sent_once_when_stock_goes_from_0_to_3_and_not_again_from_3_to_5(
        self, artist_api, waiting, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            restocked = artist_api.patch(
                f"/api/v1/shop/variants/{waiting.pk}/", {"stock": 3}, format="json"
            )
        with django_capture_on_commit_callbacks(execute=True):
            topped_up = artist_api.patch(
                f"/api/v1/shop/variants/{waiting.pk}/", {"stock": 5}, format="json"
            )

        assert (restocked.status_code, topped_up.status_code) == (200, 200)
        assert len(mailoutbox) == 1
        email = mailoutbox[0]
        assert email.to == ["buyer@example.com"]
        assert "Moon jar" in email.subject and "Celadon" in email.subject
        assert f"http://127.0.0.1:8000/items/{waiting.item.pk}/" in email.body
        assert StockAlert.objects.get(variant=waiting).notified_at is not None

    def test_is_recorded_in_the_buyers_language(
        self,
        artist_api,
        french_buyer,
        sold_out,
        django_capture_on_commit_callbacks,
        mailoutbox,
    ):
        StockAlert.objects.create(user=french_buyer, variant=sold_out)

        with django_capture_on_commit_callbacks(execute=True):
            artist_api.patch(
                f"/api/v1/shop/variants/{sold_out.pk}/", {"stock": 1}, format="json"
            )

        assert len(mailoutbox) == 1
        assert mailoutbox[0].to == ["acheteuse@example.com"]
        assert Notification.objects.get(event="back_in_stock").language == "fr"

    def test_is_sent_when_cancelled_stock_comes_back(
        self, waiting, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            stock_release(variant_id=waiting.pk, quantity=1)

        assert len(mailoutbox) == 1

    def test_a_buyer_can_ask_again_after_being_told_once(
        self,
        buyer_api,
        artist_api,
        waiting,
        django_capture_on_commit_callbacks,
        mailoutbox,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            artist_api.patch(
                f"/api/v1/shop/variants/{waiting.pk}/", {"stock": 1}, format="json"
            )
            artist_api.patch(
                f"/api/v1/shop/variants/{waiting.pk}/", {"stock": 0}, format="json"
            )
            again = buyer_api.post(
                f"/api/v1/items/{waiting.item.pk}/stock-alerts/",
                {"variant": waiting.pk},
                format="json",
            )
            artist_api.patch(
                f"/api/v1/shop/variants/{waiting.pk}/", {"stock": 2}, format="json"
            )

        assert again.status_code == 201
        assert len(mailoutbox) == 2


class TestPeriodicJob:
    def test_emails_alerts_of_variants_restocked_without_notifying(
        self, waiting, django_capture_on_commit_callbacks, mailoutbox
    ):
        other = UserFactory(username="other", email="other@example.com")
        StockAlert.objects.create(user=other, variant=waiting)
        Variant.objects.filter(pk=waiting.pk).update(stock=2)

        with django_capture_on_commit_callbacks(execute=True):
            first_run = send_back_in_stock_alerts()
        with django_capture_on_commit_callbacks(execute=True):
            second_run = run_all()["artists.jobs.send_back_in_stock_alerts"]

        assert (first_run, second_run) == (2, 0)
        assert sorted(email.to[0] for email in mailoutbox) == [
            "buyer@example.com",
            "other@example.com",
        ]

    def test_leaves_alerts_of_variants_still_out_of_stock(self, waiting, mailoutbox):
        assert send_back_in_stock_alerts() == 0
        assert StockAlert.objects.get(variant=waiting).notified_at is None
