"""Two demo support threads with the marketplace team: the buyer's question
about one of their orders, still waiting for an answer (it shows in the
staff's escalation queue), and an artist's question about payouts, answered
by staff. Idempotent: a thread is matched by its opener and subject."""

from __future__ import annotations

from accounts.models import User
from messaging.models import Thread, ThreadKind
from messaging.services import message_post, support_thread_open
from orders.models import ArtistOrder

WAITING_SUBJECT = "An invoice in my company's name"
ANSWERED_SUBJECT = "When are payouts sent?"


def _exists(opener: User, subject: str) -> bool:
    return Thread.objects.filter(
        kind=ThreadKind.SUPPORT, buyer=opener, subject=subject
    ).exists()


def seed_support(*, staff: User, buyer: User) -> int:
    """The demo support threads; returns how many were made."""
    made = 0
    if not _exists(buyer, WAITING_SUBJECT):
        artist_order = (
            ArtistOrder.objects.filter(order__buyer=buyer).order_by("id").first()
        )
        support_thread_open(
            opener=buyer,
            subject=WAITING_SUBJECT,
            body="Hello, could I get the invoice of this order in the name of "
            "my studio (Atelier Martin, 12 rue des Lilas, Lyon)? Thank you!",
            artist_order=artist_order,
        )
        made += 1
    artist_user = User.objects.filter(username="jonas").first()
    if artist_user is not None and not _exists(artist_user, ANSWERED_SUBJECT):
        thread = support_thread_open(
            opener=artist_user,
            subject=ANSWERED_SUBJECT,
            body="Hi, I shipped my first orders last week. When will I be paid?",
            side="artist",
        )
        message_post(
            thread=thread,
            author=staff,
            body="Hello Jonas, payouts run every Monday for the artist orders "
            "completed the week before: your dashboard's Money page shows the "
            "next one. The Atelier team",
        )
        made += 1
    return made
