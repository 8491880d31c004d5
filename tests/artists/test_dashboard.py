from decimal import Decimal

import pytest

from artists.models import ArtistPhoto, Item, ItemPhoto, StockAlert
from tests.artists.factories import fake_image_upload, jpeg_upload
from tests.factories import ArtistFactory, ItemFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def artist_client(client, artist):
    client.force_login(artist.user)
    return client


class TestAccess:
    def test_sends_anonymous_visitors_to_the_login_page(self, client):
        response = client.get("/dashboard/items/")

        assert response.status_code == 302
        assert response.url == "/accounts/login/?next=/dashboard/items/"

    def test_answers_404_to_a_user_without_a_shop(self, client, buyer):
        client.force_login(buyer)

        assert client.get("/dashboard/items/").status_code == 404

    def test_home_tells_a_new_artist_the_shop_awaits_approval(self, client):
        pending = ArtistFactory(approved_at=None)
        client.force_login(pending.user)

        response = client.get("/dashboard/")

        assert response.status_code == 200
        assert "waiting for approval" in response.content.decode()

    def test_home_counts_items_and_sold_out_options(self, artist_client, artist):
        VariantFactory(item__artist=artist, stock=0)
        VariantFactory(item__artist=artist, stock=4)
        VariantFactory(stock=0)

        response = artist_client.get("/dashboard/")

        assert response.context["counts"]["items"] == 2
        assert response.context["counts"]["variants_out_of_stock"] == 1
        assert 'class="dash-nav"' in response.content.decode()
        assert artist.get_absolute_url() in response.content.decode()


class TestShopPage:
    def test_saves_the_profile(self, artist_client, artist):
        response = artist_client.post(
            "/dashboard/shop/",
            {
                "action": "profile",
                "name": "Terre & Feu",
                "story": "Wood-fired.",
                "location": "Dieulefit",
                "country": "BE",
            },
            follow=True,
        )

        assert "Your shop page was saved." in response.content.decode()
        artist.refresh_from_db()
        assert (artist.name, artist.story, artist.location, artist.country.code) == (
            "Terre & Feu",
            "Wood-fired.",
            "Dieulefit",
            "BE",
        )

    def test_refuses_an_empty_name(self, artist_client, artist):
        response = artist_client.post(
            "/dashboard/shop/", {"action": "profile", "name": "", "country": "FR"}
        )

        assert response.status_code == 200
        assert response.context["profile_form"].errors["name"]
        artist.refresh_from_db()
        assert artist.name

    def test_adds_and_removes_a_photo(
        self, artist_client, artist, django_capture_on_commit_callbacks
    ):
        artist_client.post(
            "/dashboard/shop/", {"action": "photo_add", "image": jpeg_upload()}
        )
        photo = ArtistPhoto.objects.get(artist=artist)

        with django_capture_on_commit_callbacks(execute=True):
            artist_client.post(f"/dashboard/shop/photos/{photo.pk}/delete/")

        assert photo.thumbnail.name.endswith("-thumb.jpg")
        assert not ArtistPhoto.objects.exists()

    def test_cannot_remove_another_shops_photo(self, artist_client, other_artist):
        photo = ArtistPhoto.objects.create(artist=other_artist, image="artists/x.jpg")

        assert (
            artist_client.post(f"/dashboard/shop/photos/{photo.pk}/delete/").status_code
            == 404
        )
        assert ArtistPhoto.objects.filter(pk=photo.pk).exists()


TERMS = {
    "return_window_days": "30",
    "accepts_exchanges": "on",
    "return_postage_paid_by": "artist",
    "processing_days": "5",
    "shipping_domestic": "4.50",
    "shipping_eu": "8.00",
    "shipping_world": "20.00",
    "free_shipping_over": "",
}


class TestTermsPage:
    def test_saves_every_term(self, artist_client, artist):
        response = artist_client.post(
            "/dashboard/terms/",
            {**TERMS, "refunds_original_shipping": "on"},
            follow=True,
        )

        assert response.status_code == 200
        artist.refresh_from_db()
        assert artist.terms_snapshot() == {
            "return_window_days": 30,
            "accepts_exchanges": True,
            "refunds_original_shipping": True,
            "return_postage_paid_by": "artist",
            "processing_days": 5,
            "shipping_fees": {"domestic": "4.50", "eu": "8.00", "world": "20.00"},
            "free_shipping_over": None,
        }

    def test_refuses_a_negative_fee_and_keeps_the_old_terms(
        self, artist_client, artist
    ):
        response = artist_client.post(
            "/dashboard/terms/", {**TERMS, "shipping_eu": "-2"}
        )

        assert response.status_code == 200
        assert response.context["form"].errors["shipping_eu"]
        artist.refresh_from_db()
        assert artist.shipping_eu == Decimal("9.00")
        assert artist.return_window_days == 14


class TestHolidayPage:
    def test_saves_a_holiday(self, artist_client, artist):
        artist_client.post(
            "/dashboard/holiday/",
            {
                "start_date": "2099-07-01",
                "end_date": "2099-07-15",
                "message": "Back soon",
            },
        )

        artist.refresh_from_db()
        assert (
            str(artist.holiday_start_date),
            str(artist.holiday_end_date),
            artist.holiday_message,
        ) == ("2099-07-01", "2099-07-15", "Back soon")

    def test_refuses_an_end_before_the_start(self, artist_client, artist):
        response = artist_client.post(
            "/dashboard/holiday/",
            {"start_date": "2099-07-15", "end_date": "2099-07-01"},
        )

        assert response.context["form"].errors["end_date"]
        artist.refresh_from_db()
        assert artist.holiday_start_date is None

    def test_cancels_a_holiday(self, artist_client, artist):
        artist_client.post(
            "/dashboard/holiday/",
            {"start_date": "2099-07-01", "end_date": "2099-07-15"},
        )

        artist_client.post("/dashboard/holiday/", {"action": "clear"})

        artist.refresh_from_db()
        assert artist.holiday_start_date is None and artist.holiday_end_date is None


class TestItems:
    def test_lists_own_items_with_stock_per_variant(self, artist_client, artist):
        VariantFactory(
            item__artist=artist, item__title="Moon jar", name="Celadon", stock=7
        )
        ItemFactory(title="Someone else's jar")

        page = artist_client.get("/dashboard/items/").content.decode()

        assert "Moon jar" in page and "Celadon" in page and "<strong>7</strong>" in page
        assert "Someone else" not in page

    def test_creates_an_item_with_its_options(self, artist_client, artist):
        response = artist_client.post(
            "/dashboard/items/new/",
            {
                "title": "Linen apron",
                "description": "Washed linen.",
                "price": "45",
                "options": "S\nM\n\nL",
                "stock": "2",
                "is_active": "on",
            },
        )

        item = Item.objects.get(artist=artist, title="Linen apron")
        assert response.status_code == 302
        assert response.url == f"/dashboard/items/{item.pk}/"
        assert [(v.name, v.stock) for v in item.variants.all()] == [
            ("S", 2),
            ("M", 2),
            ("L", 2),
        ]

    def test_creates_an_item_without_options_with_one_standard_variant(
        self, artist_client, artist
    ):
        artist_client.post(
            "/dashboard/items/new/",
            {"title": "Moon jar", "price": "120", "stock": "1", "is_active": "on"},
        )

        item = Item.objects.get(artist=artist)
        assert [(v.name, v.stock) for v in item.variants.all()] == [("Standard", 1)]

    def test_refuses_duplicate_options(self, artist_client, artist):
        response = artist_client.post(
            "/dashboard/items/new/",
            {"title": "Apron", "price": "45", "options": "S\ns", "stock": "1"},
        )

        assert response.status_code == 200
        assert "same name" in response.content.decode()
        assert not Item.objects.exists()

    def test_edits_an_item(self, artist_client, variant):
        response = artist_client.post(
            f"/dashboard/items/{variant.item.pk}/",
            {
                "action": "item",
                "title": "Blue bowl",
                "description": "",
                "price": "30.00",
                "size_guide": "12 cm",
                "personalisable": "on",
                "is_active": "on",
            },
        )

        assert response.status_code == 302
        variant.item.refresh_from_db()
        assert (
            variant.item.title,
            variant.item.price,
            variant.item.personalisable,
        ) == ("Blue bowl", Decimal("30.00"), True)

    def test_takes_an_item_off_sale_and_back(self, artist_client, client, variant):
        artist_client.post(f"/dashboard/items/{variant.item.pk}/on-sale/")
        variant.item.refresh_from_db()
        off_sale = variant.item.is_active

        artist_client.post(f"/dashboard/items/{variant.item.pk}/on-sale/")
        variant.item.refresh_from_db()

        assert (off_sale, variant.item.is_active) == (False, True)

    def test_adds_a_jpeg_photo_with_a_thumbnail(self, artist_client, variant):
        artist_client.post(
            f"/dashboard/items/{variant.item.pk}/",
            {"action": "photo_add", "image": jpeg_upload()},
        )

        photo = ItemPhoto.objects.get(item=variant.item)
        assert photo.thumbnail.name.endswith("-thumb.jpg")
        assert photo.thumbnail.width == 480

    def test_refuses_a_file_that_is_not_a_photo(self, artist_client, variant):
        response = artist_client.post(
            f"/dashboard/items/{variant.item.pk}/",
            {"action": "photo_add", "image": fake_image_upload()},
        )

        assert response.status_code == 200
        assert response.context["photo_form"].errors["image"] == [
            "This file is not a photo we can read."
        ]
        assert not ItemPhoto.objects.exists()

    def test_removes_a_photo(
        self, artist_client, variant, django_capture_on_commit_callbacks
    ):
        artist_client.post(
            f"/dashboard/items/{variant.item.pk}/",
            {"action": "photo_add", "image": jpeg_upload()},
        )
        photo = ItemPhoto.objects.get()

        with django_capture_on_commit_callbacks(execute=True):
            artist_client.post(
                f"/dashboard/items/{variant.item.pk}/photos/{photo.pk}/delete/"
            )

        assert not ItemPhoto.objects.exists()


class TestVariants:
    def test_adds_a_variant(self, artist_client, variant):
        artist_client.post(
            f"/dashboard/items/{variant.item.pk}/",
            {
                "action": "variant_add",
                "new-name": "Large",
                "new-price": "29.00",
                "new-stock": "3",
            },
        )

        added = variant.item.variants.get(name="Large")
        assert (added.unit_price, added.stock) == (Decimal("29.00"), 3)

    def test_sets_stock_inline_and_emails_waiting_buyers(
        self,
        artist_client,
        artist,
        buyer,
        django_capture_on_commit_callbacks,
        mailoutbox,
    ):
        sold_out = VariantFactory(item__artist=artist, stock=0)
        StockAlert.objects.create(user=buyer, variant=sold_out)

        with django_capture_on_commit_callbacks(execute=True):
            artist_client.post(
                f"/dashboard/items/{sold_out.item.pk}/",
                {"action": "stock", "variant": sold_out.pk, "stock": "3"},
            )

        sold_out.refresh_from_db()
        assert sold_out.stock == 3
        assert len(mailoutbox) == 1

    def test_refuses_negative_stock_inline(self, artist_client, variant):
        response = artist_client.post(
            f"/dashboard/items/{variant.item.pk}/",
            {"action": "stock", "variant": variant.pk, "stock": "-4"},
        )

        assert response.status_code == 200
        assert response.context["stock_form"].errors["stock"]
        variant.refresh_from_db()
        assert variant.stock == 5

    def test_edits_a_variant(self, artist_client, variant):
        response = artist_client.post(
            f"/dashboard/variants/{variant.pk}/",
            {"name": "Celadon", "price": "", "stock": "0"},
        )

        assert response.status_code == 302
        variant.refresh_from_db()
        assert (variant.name, variant.price, variant.stock) == ("Celadon", None, 0)


class TestScoping:
    @pytest.mark.parametrize(
        "method,path",
        [
            ("get", "/dashboard/items/{item}/"),
            ("post", "/dashboard/items/{item}/on-sale/"),
            ("get", "/dashboard/variants/{variant}/"),
            ("post", "/dashboard/variants/{variant}/"),
        ],
    )
    def test_another_artists_item_or_variant_answers_404(
        self, client, other_artist, variant, method, path
    ):
        client.force_login(other_artist.user)

        response = getattr(client, method)(
            path.format(item=variant.item.pk, variant=variant.pk),
            {"name": "Mine", "stock": "0"} if method == "post" else None,
        )

        assert response.status_code == 404
        variant.refresh_from_db()
        assert variant.name != "Mine"
        assert variant.stock == 5 and variant.item.is_active

    def test_inline_stock_of_another_artists_variant_answers_404(
        self, artist_client, artist
    ):
        mine = ItemFactory(artist=artist)
        foreign = VariantFactory(stock=5)

        response = artist_client.post(
            f"/dashboard/items/{mine.pk}/",
            {"action": "stock", "variant": foreign.pk, "stock": "0"},
        )

        assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.stock == 5
