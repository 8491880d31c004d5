"""The conversation about an artist order appears inside its page's timeline."""

from messaging import services as messaging
from tests.orders.factories import make_artist_order


def test_the_buyer_and_the_artist_see_the_conversation_in_the_timeline(
    client, buyer, artist
):
    artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
    messaging.artist_order_message_post(
        artist_order=artist_order, author=buyer, body="Could you wrap it as a gift?"
    )
    messaging.artist_order_message_post(
        artist_order=artist_order, author=artist.user, body="Of course, with pleasure."
    )

    client.force_login(buyer)
    buyer_page = client.get(
        f"/account/orders/{artist_order.order.number}/"
    ).content.decode()
    client.force_login(artist.user)
    artist_page = client.get(f"/dashboard/orders/{artist_order.pk}/").content.decode()

    for page in (buyer_page, artist_page):
        assert 'data-transition="message"' in page
        assert page.index("Could you wrap it as a gift?") < page.index(
            "Of course, with pleasure."
        )
