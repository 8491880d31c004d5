"""A small catalogue for the search, filter and category tests: a tree
(ceramics › bowls, ceramics › teapots; textiles) and pieces from two shops."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from artists.models import Category, Item
from tests.factories import ArtistFactory, ItemFactory, UserFactory, VariantFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


@dataclass
class Catalogue:
    ceramics: Category
    bowls: Category
    teapots: Category
    textiles: Category
    clay: object  # the French potter's shop
    weaver: object  # a Belgian weaver's shop
    bowl: Item
    teapot: Item
    scarf: Item
    blanket: Item


def item(artist, title, price, *, category, stock=3, age_days=0, **fields) -> Item:
    piece = ItemFactory(
        artist=artist,
        title=title,
        price=Decimal(price),
        category=category,
        **fields,
    )
    Item.objects.filter(pk=piece.pk).update(
        created_at=timezone.now() - timedelta(days=age_days)
    )
    VariantFactory(item=piece, name="Standard", stock=stock)
    piece.refresh_from_db()
    return piece


def make_catalogue() -> Catalogue:
    ceramics = CategoryFactory(slug="ceramics", name="Ceramics", name_fr="Céramique")
    bowls = CategoryFactory(slug="bowls", name="Bowls", name_fr="Bols", parent=ceramics)
    teapots = CategoryFactory(
        slug="teapots", name="Teapots", name_fr="Théières", parent=ceramics, position=1
    )
    textiles = CategoryFactory(slug="textiles", name="Textiles", position=1)
    clay = ArtistFactory(
        user=UserFactory(username="clay"), name="Atelier Clay", slug="atelier-clay"
    )
    weaver = ArtistFactory(
        user=UserFactory(username="loom"),
        name="Loom Weaves",
        slug="loom-weaves",
        country="BE",
        free_shipping_over=Decimal("100.00"),
    )
    return Catalogue(
        ceramics=ceramics,
        bowls=bowls,
        teapots=teapots,
        textiles=textiles,
        clay=clay,
        weaver=weaver,
        bowl=item(clay, "Stoneware bowl", "24.00", category=bowls, age_days=3),
        teapot=item(
            clay,
            "Speckled teapot",
            "95.00",
            category=teapots,
            personalisable=True,
            age_days=2,
        ),
        scarf=item(
            weaver, "Herringbone scarf", "60.00", category=textiles, stock=0, age_days=1
        ),
        blanket=item(weaver, "Wool blanket", "180.00", category=textiles),
    )
