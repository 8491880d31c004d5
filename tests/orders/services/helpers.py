"""Helpers of the artist order lifecycle service tests: an artist order read
back from the database, the emails and notifications one person got, and an
order brought to accepted or shipped by its artist."""

from marketplace.notifications.models import Notification
from orders.models import ArtistOrder, ArtistOrderState
from orders.services import artist_order_accept, artist_order_ship

S = ArtistOrderState


def fresh(artist_order):
    return ArtistOrder.objects.get(pk=artist_order.pk)


def emails_to(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


def events_to(user):
    return list(
        Notification.objects.filter(recipient=user).values_list("event", flat=True)
    )


def accepted(artist_order, artist):
    return artist_order_accept(artist_order=artist_order, by=artist.user)


def shipped(artist_order, artist, carrier="Colissimo", number="6A12345678901"):
    accepted(artist_order, artist)
    return artist_order_ship(
        artist_order=artist_order,
        by=artist.user,
        carrier=carrier,
        tracking_number=number,
    )
