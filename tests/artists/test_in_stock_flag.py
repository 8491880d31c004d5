"""``Item.in_stock``, kept by the database from the variants' stock
(migration artists/0007), stays exact whatever path changes a stock: the
artist's services, a checkout taking the last piece, a cancellation putting
it back, the admin's variant inline, bulk writes, and an item saved with
what it read before the stock changed. The catalogue's "in stock" filter and
count read it. Runs on SQLite and, with DATABASE_URL, on PostgreSQL (whose
triggers are other code: one per statement)."""

import pytest
from django.urls import reverse

from artists import services as artist_services
from artists.models import Item, Variant
from artists.stock import stock_release, stock_set
from orders.models import Cart, CartLine
from orders.services import artist_order_cancel, cart_add_line, checkout
from tests.factories import ItemFactory, UserFactory, VariantFactory
from tests.orders.factories import ADDRESS, make_artist

pytestmark = pytest.mark.django_db


def in_stock(item) -> bool:
    return Item.objects.get(pk=item.pk).in_stock


@pytest.fixture
def artist():
    return make_artist("potter")


@pytest.fixture
def piece(artist):
    return ItemFactory(artist=artist, title="Speckled bowl")


class TestTheArtistsServices:
    def test_an_item_is_in_stock_once_one_of_its_options_has_stock(self, piece):
        assert not in_stock(piece)  # no option yet

        artist_services.variant_create(item=piece, name="Small", stock=0)
        assert not in_stock(piece)

        large = artist_services.variant_create(item=piece, name="Large", stock=2)
        assert in_stock(piece)

        artist_services.variant_update(variant=large, stock=0)
        assert not in_stock(piece)

        artist_services.variant_update(variant=large, stock=4)
        assert in_stock(piece)

    def test_one_option_sold_out_leaves_the_item_in_stock(self, piece):
        small = VariantFactory(item=piece, name="Small", stock=1)
        VariantFactory(item=piece, name="Large", stock=1)

        stock_set(variant=small, stock=0)
        assert in_stock(piece)

    def test_deleting_the_last_option_in_stock_takes_the_item_out(self, piece):
        small = VariantFactory(item=piece, name="Small", stock=0)
        large = VariantFactory(item=piece, name="Large", stock=3)

        large.delete()
        assert not in_stock(piece)
        stock_release(variant_id=small.pk, quantity=1)
        assert in_stock(piece)


class TestCheckoutAndCancellation:
    def test_the_last_piece_sold_then_cancelled(self, artist, piece):
        variant = VariantFactory(item=piece, name="Standard", stock=1)
        buyer = UserFactory(username="camille")
        cart = Cart.objects.create(user=buyer)
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)

        order = checkout(
            cart=cart,
            buyer=buyer,
            shipping_address=ADDRESS,
            payment={"provider": "test", "token": "ok"},
        )
        assert not in_stock(piece)
        assert not CartLine.objects.filter(cart=cart).exists()

        artist_order_cancel(artist_order=order.artist_orders.get(), by=buyer)
        assert in_stock(piece)


class TestOtherWrites:
    def test_bulk_create_update_and_delete(self, piece):
        Variant.objects.bulk_create(
            [Variant(item=piece, name="A", stock=0), Variant(item=piece, name="B")]
        )
        assert not in_stock(piece)

        Variant.objects.filter(item=piece, name="B").update(stock=5)
        assert in_stock(piece)

        Variant.objects.filter(item=piece).update(stock=0)
        assert not in_stock(piece)

        Variant.objects.filter(item=piece).update(stock=2)
        Variant.objects.filter(item=piece).delete()
        assert not in_stock(piece)

    def test_moving_an_option_to_another_item_recounts_both(self, artist, piece):
        other = ItemFactory(artist=artist, title="Other bowl")
        variant = VariantFactory(item=piece, name="Standard", stock=2)

        Variant.objects.filter(pk=variant.pk).update(item=other)

        assert (in_stock(piece), in_stock(other)) == (False, True)

    def test_an_item_saved_with_what_it_read_earlier_keeps_the_truth(self, piece):
        variant = VariantFactory(item=piece, name="Standard", stock=1)
        stale = Item.objects.get(pk=piece.pk)
        assert stale.in_stock

        stock_set(variant=variant, stock=0)  # sold out meanwhile
        stale.title = "Speckled bowl, large"
        stale.save()  # writes every column, in_stock=True with them

        assert not in_stock(piece)
        assert Item.objects.get(pk=piece.pk).title == "Speckled bowl, large"

    def test_a_new_item_cannot_be_created_in_stock(self, artist):
        piece = Item.objects.create(
            artist=artist, title="Jug", price="12.00", in_stock=True
        )
        assert not in_stock(piece)


class TestTheAdmin:
    def test_an_admin_changing_the_stock_in_the_variant_inline(
        self, admin_client, piece
    ):
        variant = VariantFactory(item=piece, name="Standard", stock=0)
        url = reverse("admin:artists_item_change", args=[piece.pk])
        page = admin_client.get(url)
        data = {}
        for form in [page.context["adminform"].form] + [
            inline.formset for inline in page.context["inline_admin_formsets"]
        ]:
            forms = getattr(form, "forms", None)
            if forms is not None:
                management = form.management_form
                data.update(
                    {
                        management.add_prefix(name): field.value()
                        for name, field in (
                            (name, management[name]) for name in management.fields
                        )
                    }
                )
            for each in forms if forms is not None else [form]:
                for name in each.fields:
                    value = each[name].value()
                    if value is not None and value is not False:
                        data[each.add_prefix(name)] = value
        stock_key = next(key for key in data if key.endswith("-0-stock"))
        data[stock_key] = "3"

        response = admin_client.post(url, data)

        assert response.status_code == 302, getattr(response, "context", None)
        variant.refresh_from_db()
        assert variant.stock == 3
        assert in_stock(piece)


class TestTheCatalogue:
    def test_the_filter_and_its_count_follow_the_stock(self, client, artist):
        bowl = ItemFactory(artist=artist, title="Bowl")
        VariantFactory(item=bowl, name="Standard", stock=1)
        vase = ItemFactory(artist=artist, title="Vase")
        sold = VariantFactory(item=vase, name="Standard", stock=1)
        url = reverse("catalog:items")

        stock_set(variant=sold, stock=0)
        response = client.get(url, {"in_stock": "true"})
        assert [i.title for i in response.context["page_obj"].object_list] == ["Bowl"]
        assert response.context["facets"].in_stock == 1
        assert "Out of stock" in client.get(url).content.decode()

        api = client.get(reverse("api-items"), {"in_stock": "true"}).json()
        assert [row["title"] for row in api["results"]] == ["Bowl"]
