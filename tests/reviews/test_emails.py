"""The review emails, in the recipient's language: the new review to the
artist, "how was it?" to the buyer once an artist order is delivered (once),
and the hidden review to its author (in test_services)."""

import pytest
from django.utils import translation

from orders import services as order_services
from tests.orders.factories import make_artist
from tests.returns.factories import make_line

from .helpers import write_review

pytestmark = pytest.mark.django_db


def _to(mailoutbox, address):
    return [mail for mail in mailoutbox if address in mail.to]


def test_the_artist_is_told_of_a_new_review_in_their_language(
    buyer, mailoutbox, django_capture_on_commit_callbacks
):
    artist = make_artist("claire", language="fr")
    line = make_line(buyer=buyer, artist=artist)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        review = write_review(line, rating=4, text="Très <b>belle</b> tasse")

    [email] = _to(mailoutbox, artist.user.email)
    assert email.subject == f"Nouvel avis sur {line.title} : 4/5"
    assert "Très <b>belle</b> tasse" in email.body  # plain text, not escaped
    assert f"/dashboard/reviews/#review-{review.pk}" in email.body
    html = email.alternatives[0][0]
    assert "Très &lt;b&gt;belle&lt;/b&gt; tasse" in html


def test_the_buyer_is_asked_how_it_was_once_the_order_is_delivered(
    buyer, artist, mailoutbox, django_capture_on_commit_callbacks
):
    line = make_line(buyer=buyer, artist=artist, state="shipped")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_services.artist_order_confirm_delivery(
            artist_order=line.artist_order, by=buyer
        )

    [invitation] = [
        mail for mail in _to(mailoutbox, buyer.email) if "How was" in mail.subject
    ]
    assert invitation.subject == f"How was your order from {artist.name}?"
    assert f"/account/reviews/new/{line.pk}/" in invitation.body
    assert line.title in invitation.body


def test_the_invitation_is_in_the_buyers_language_and_sent_once(
    french_buyer, artist, mailoutbox, django_capture_on_commit_callbacks
):
    line = make_line(buyer=french_buyer, artist=artist, state="shipped")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_services.artist_order_confirm_delivery(
            artist_order=line.artist_order, by=french_buyer
        )
        order_services.artist_order_complete(artist_order=line.artist_order)

    invitations = [
        mail
        for mail in _to(mailoutbox, french_buyer.email)
        if "Comment" in mail.subject
    ]
    assert [mail.subject for mail in invitations] == [
        f"Comment s'est passée votre commande chez {artist.name} ?"
    ]
    assert translation.get_language() == "en"


def test_no_invitation_for_other_changes(
    buyer, artist, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        make_line(buyer=buyer, artist=artist, state="shipped")

    assert not [mail for mail in mailoutbox if "How was" in mail.subject]
