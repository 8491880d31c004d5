import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from artists.models import StockAlert
from tests.factories import ArtistFactory, ItemFactory, VariantFactory

pytestmark = pytest.mark.django_db


class TestHome:
    def test_shows_the_latest_items_and_the_shops(self, client, artist):
        ItemFactory(artist=artist, title="Moon jar")
        ItemFactory(artist=ArtistFactory(approved_at=None), title="Secret vase")

        response = client.get("/")

        assert response.status_code == 200
        page = response.content.decode()
        assert "Moon jar" in page
        assert artist.name in page
        assert "Secret vase" not in page


class TestArtistList:
    def test_lists_only_approved_shops(self, client, artist):
        pending = ArtistFactory(name="Pending workshop", approved_at=None)

        page = client.get("/artists/").content.decode()

        assert artist.name in page
        assert pending.name not in page


class TestArtistPage:
    def test_shows_the_story_items_and_terms_in_plain_words(self, client, artist):
        artist.story = "I throw stoneware in Lyon."
        artist.return_window_days = 0
        artist.accepts_exchanges = False
        artist.return_postage_paid_by = "artist"
        artist.free_shipping_over = Decimal("75.00")
        artist.save()
        ItemFactory(artist=artist, title="Moon jar")
        ItemFactory(artist=artist, title="Retired jar", is_active=False)

        response = client.get(f"/artists/{artist.slug}/")

        page = response.content.decode()
        assert response.status_code == 200
        assert "I throw stoneware in Lyon." in page
        assert "Moon jar" in page
        assert "Retired jar" not in page
        assert "does not take returns beyond what the law requires" in page
        assert "No exchanges" in page
        assert "Paid by the artist." in page
        assert "Dispatched within 3 business days." in page
        assert "75.00 €" in page and "18.00 €" in page

    def test_shows_the_holiday_and_the_dispatch_date(self, client, artist):
        today = timezone.localdate()
        artist.holiday_start_date = today - timedelta(days=1)
        artist.holiday_end_date = today + timedelta(days=5)
        artist.holiday_message = "Gone to the sea."
        artist.save()

        response = client.get(f"/artists/{artist.slug}/")

        notice = response.content.decode()
        assert "on holiday until" in notice
        assert "Gone to the sea." in notice
        assert response.context["artist"].holiday_dispatch_date() == today + timedelta(
            days=6
        )

    def test_answers_404_for_a_shop_awaiting_approval(self, client):
        pending = ArtistFactory(approved_at=None)

        assert client.get(f"/artists/{pending.slug}/").status_code == 404

    def test_lets_the_artist_preview_its_own_shop_before_approval(self, client):
        pending = ArtistFactory(approved_at=None, name="Terre & Feu")
        client.force_login(pending.user)

        response = client.get(f"/artists/{pending.slug}/")

        assert response.status_code == 200
        assert "Preview" in response.content.decode()


class TestItemPage:
    def test_lists_variants_with_their_stock_and_the_shop_terms(self, client, artist):
        item = ItemFactory(
            artist=artist,
            title="Linen apron",
            price=Decimal("45.00"),
            size_guide="S fits 36-38",
        )
        small = VariantFactory(item=item, name="Small", stock=3)
        large = VariantFactory(item=item, name="Large", price=Decimal("49.00"), stock=0)

        response = client.get(f"/items/{item.pk}/")

        page = response.content.decode()
        assert response.status_code == 200
        assert "Linen apron" in page and "S fits 36-38" in page
        assert f'value="{small.pk}" data-stock="3" required>' in page
        assert f'value="{large.pk}" data-stock="0" required disabled' in page
        assert "3 in stock" in page and "out of stock" in page
        assert "49.00 €" in page
        assert f"Terms of sale of {artist.name}" in page
        assert 'action="/cart/add/"' in page
        assert "Tell me when “Large” is back" in page
        assert 'name="personalisation_text"' not in page

    def test_no_option_is_chosen_for_the_buyer_when_there_are_several(
        self, client, artist
    ):
        ring = ItemFactory(artist=artist, title="Silver ring")
        VariantFactory(item=ring, name="Size 50", stock=4)
        VariantFactory(item=ring, name="Size 52", stock=4)

        page = client.get(f"/items/{ring.pk}/").content.decode()

        radios = re.findall(r'<input type="radio" name="variant"[^>]*>', page)
        assert "Choose an option" in page
        assert len(radios) == 2
        assert all(" required" in radio for radio in radios)
        assert not any(" checked" in radio for radio in radios)

    def test_the_only_option_of_an_item_is_chosen_already(self, client, variant):
        page = client.get(f"/items/{variant.item.pk}/").content.decode()

        assert f'value="{variant.pk}" data-stock="5" required checked' in page

    def test_shows_personalisation_fields_for_a_personalisable_item(
        self, client, variant
    ):
        variant.item.personalisable = True
        variant.item.save()

        page = client.get(f"/items/{variant.item.pk}/").content.decode()

        assert 'name="personalisation_text"' in page
        assert 'name="personalisation_photo"' in page
        assert 'enctype="multipart/form-data"' in page

    def test_disables_adding_to_cart_when_every_variant_is_sold_out(
        self, client, artist
    ):
        sold_out = VariantFactory(item__artist=artist, stock=0)

        response = client.get(f"/items/{sold_out.item.pk}/")

        assert response.context["any_in_stock"] is False
        assert "Sold out for now." in response.content.decode()

    @pytest.mark.parametrize("hidden", ["inactive", "unapproved"])
    def test_answers_404_for_an_item_buyers_cannot_see(self, client, hidden):
        if hidden == "inactive":
            item = ItemFactory(is_active=False)
        else:
            item = ItemFactory(artist=ArtistFactory(approved_at=None))

        assert client.get(f"/items/{item.pk}/").status_code == 404

    def test_lets_the_artist_preview_its_own_item_off_sale_without_a_cart_form(
        self, client, artist
    ):
        item = ItemFactory(artist=artist, is_active=False)
        VariantFactory(item=item)
        client.force_login(artist.user)

        response = client.get(f"/items/{item.pk}/")

        assert response.status_code == 200
        assert "this item is not on sale" in response.content.decode()
        assert 'action="/cart/add/"' not in response.content.decode()

    def test_answers_404_to_another_artist_for_an_item_off_sale(
        self, client, other_artist
    ):
        item = ItemFactory(is_active=False)
        client.force_login(other_artist.user)

        assert client.get(f"/items/{item.pk}/").status_code == 404


class TestStockAlertForm:
    def test_records_one_alert_however_often_the_buyer_asks(
        self, client, buyer, artist
    ):
        sold_out = VariantFactory(item__artist=artist, name="Celadon", stock=0)
        client.force_login(buyer)

        first = client.post(
            f"/items/{sold_out.item.pk}/alert/", {"variant": sold_out.pk}, follow=True
        )
        second = client.post(
            f"/items/{sold_out.item.pk}/alert/", {"variant": sold_out.pk}, follow=True
        )

        assert (
            "We will email you once when “Celadon” is back in stock."
            in first.content.decode()
        )
        assert "already on the list" in second.content.decode()
        assert StockAlert.objects.filter(user=buyer, variant=sold_out).count() == 1
        assert (
            "We will email you when “Celadon” is back in stock."
            in second.content.decode()
        )

    def test_refuses_a_variant_in_stock(self, client, buyer, variant):
        client.force_login(buyer)

        response = client.post(
            f"/items/{variant.item.pk}/alert/", {"variant": variant.pk}, follow=True
        )

        assert "in stock: you can order it now" in response.content.decode()
        assert not StockAlert.objects.exists()

    def test_answers_404_for_a_variant_of_another_item(self, client, buyer, variant):
        elsewhere = VariantFactory(stock=0)
        client.force_login(buyer)

        response = client.post(
            f"/items/{variant.item.pk}/alert/", {"variant": elsewhere.pk}
        )

        assert response.status_code == 404
        assert not StockAlert.objects.exists()

    def test_sends_anonymous_visitors_to_the_login_page(self, client, artist):
        sold_out = VariantFactory(item__artist=artist, stock=0)

        response = client.post(
            f"/items/{sold_out.item.pk}/alert/", {"variant": sold_out.pk}
        )

        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
        assert not StockAlert.objects.exists()
