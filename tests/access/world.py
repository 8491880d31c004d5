"""One object of each kind for the access matrix and the API fuzzing: a
buyer and an artist who own them, another buyer and another artist who own
things of their own, and staff."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.storage import private_storage
from messaging.services import thread_start
from orders.models import Cart, CartLine
from payouts.services.runs import payout_run
from reviews.services import review_create
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order, make_variant
from tests.returns.factories import make_line, make_return


def _jpeg(name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@dataclass
class World:
    """One object of each kind, owned by ``owner_buyer`` and ``owning_artist``;
    the other buyer and the other artist have objects of their own."""

    users: dict = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)


def build_world() -> World:
    from artists.services import artist_add_photo, item_add_photo

    world = World()
    buyer = UserFactory(username="camille", email="camille@example.com")
    other_buyer = UserFactory(username="louis", email="louis@example.com")
    artist = make_artist("potter")
    other_artist = make_artist("weaver")
    staff = UserFactory(username="support", email="support@example.com", is_staff=True)
    world.users = {
        "owner_buyer": buyer,
        "other_buyer": other_buyer,
        "owning_artist": artist.user,
        "other_artist": other_artist.user,
        "staff": staff,
        "anonymous": None,
    }
    # The others own things too, so that "not yours" is not "nothing at all".
    make_artist_order(buyer=other_buyer, artist=other_artist)

    artist_order = make_artist_order(buyer=buyer, artist=artist)
    line = make_line(buyer=buyer, artist=artist, quantity=2)
    return_request = make_return(line=line, state="requested", reason="damaged")
    return_photo = return_request.photos.first()
    personalised = artist_order.lines.get()
    personalised.personalisation_photo.save(
        "line.jpg", ContentFile(_jpeg().read()), save=True
    )
    thread = thread_start(
        buyer=buyer,
        artist=artist,
        body="Is it glazed?",
        photos=[_jpeg()],
        artist_order=artist_order,
    )
    message = thread.messages.order_by("id").last()
    photo = message.photos.get()
    item = make_variant(artist, price="20.00", stock=3, personalisable=True).item
    item_photo = item_add_photo(item=item, upload=_jpeg())
    shop_photo = artist_add_photo(artist=artist, upload=_jpeg())
    variant = item.variants.get()
    cart, _created = Cart.objects.get_or_create(user=buyer)
    cart_line = CartLine.objects.create(cart=cart, variant=variant, quantity=1)
    cart_line.personalisation_photo.save(
        "cart.jpg", ContentFile(_jpeg().read()), save=True
    )
    assert private_storage().exists(cart_line.personalisation_photo.name)

    reviewed_line = make_line(buyer=buyer, artist=artist, quantity=1)
    review = review_create(
        buyer=buyer, line=reviewed_line, rating=4, text="Nice.", photos=[_jpeg()]
    )
    review_photo = review.photos.get()
    make_artist_order(buyer=buyer, artist=artist, state="completed")
    payout = payout_run(artist_ids=[artist.pk]).payouts.get()

    world.kwargs = {
        "payout": {"pk": payout.pk},
        "month": {"month": "2026-01"},
        "artist_slug": {"slug": artist.slug},
        "item": {"pk": item.pk},
        "item_photo": {"pk": item.pk, "photo_pk": item_photo.pk},
        "item_and_photo": {"pk": item.pk, "photo_pk": item_photo.pk},
        "shop_photo": {"pk": shop_photo.pk},
        "variant": {"pk": variant.pk},
        "order_number": {"number": artist_order.order.number},
        "order_and_part": {"number": artist_order.order.number, "pk": artist_order.pk},
        "artist_order": {"pk": artist_order.pk},
        "personalised_line": {"pk": personalised.pk},
        "returnable_line": {"line_pk": line.pk},
        "return_request": {"pk": return_request.pk},
        "return_photo": {"pk": return_photo.pk},
        "return_request_and_photo": {"pk": return_request.pk, "photo": return_photo.pk},
        "thread": {"pk": thread.pk},
        "message": {"pk": message.pk},
        "message_photo": {"pk": photo.pk},
        "cart_line": {"pk": cart_line.pk},
        "reviewable_line": {"line_pk": line.pk},
        "review": {"pk": review.pk},
        "review_photo": {"pk": review_photo.pk},
    }
    return world
