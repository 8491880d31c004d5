"""factory_boy factories shared by every test module."""

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from artists.models import Artist, Item, Variant
from orders.models import DiscountCode


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    language = "en"
    password = factory.django.Password("correct-horse-battery")


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Atelier {n}")
    slug = factory.Sequence(lambda n: f"atelier-{n}")
    story = "Pieces made by hand."
    location = "Lyon"
    country = "FR"
    approved_at = factory.LazyFunction(timezone.now)
    shipping_domestic = Decimal("5.00")
    shipping_eu = Decimal("9.00")
    shipping_world = Decimal("18.00")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    artist = factory.SubFactory(ArtistFactory)
    title = factory.Sequence(lambda n: f"Stoneware bowl {n}")
    description = "Thrown on the wheel."
    price = Decimal("24.00")


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    item = factory.SubFactory(ItemFactory)
    name = factory.Sequence(lambda n: f"Variant {n}")
    stock = 5


class DiscountCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscountCode

    code = factory.Sequence(lambda n: f"CODE{n}")
    kind = "percent"
    value = Decimal("10")
