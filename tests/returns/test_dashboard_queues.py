"""The returns part of the seller dashboard, the queues: the overview block
and the returns page (new, awaiting receipt, to refund), the list with its
state filter, and the query budget of the queue."""

import re

import pytest
from django.urls import reverse

from .factories import make_line, make_return
from .helpers import page


def new_line(buyer, artist, **kwargs):
    return make_line(buyer=buyer, artist=artist, **kwargs)


class TestQueues:
    def test_sorts_what_needs_the_artist_into_new_awaiting_receipt_and_to_refund(
        self, artist_client, buyer, artist
    ):
        new = make_return(
            line=new_line(buyer, artist), state="requested", reason="damaged"
        )
        accepted = make_return(
            line=new_line(buyer, artist), state="accepted", reason="changed_mind"
        )
        sent = make_return(
            line=new_line(buyer, artist), state="in_transit", reason="changed_mind"
        )
        received = make_return(
            line=new_line(buyer, artist), state="received", reason="changed_mind"
        )
        done = make_return(
            line=new_line(buyer, artist), state="refunded", reason="changed_mind"
        )

        html = artist_client.get(reverse("dashboard:returns")).content.decode()

        def queue(name):
            return re.search(
                rf'data-testid="return-queue-{name}".*?</ul>', html, re.S
            ).group(0)

        assert page(new) in queue("new") and "artist's fault" in queue("new")
        assert page(accepted) in queue("awaiting_receipt")
        assert page(sent) in queue("awaiting_receipt")
        assert page(received) in queue("to_refund")
        for name in ("new", "awaiting_receipt", "to_refund"):
            assert page(done) not in queue(name)
        assert page(done) in re.search(
            r'data-testid="return-list".*?</table>', html, re.S
        ).group(0)

    def test_the_overview_shows_the_queues_too(self, artist_client, buyer, artist):
        new = make_return(line=new_line(buyer, artist), reason="damaged")

        html = artist_client.get(reverse("dashboard:home")).content.decode()

        block = re.search(
            r'data-testid="home-return-queues".*?</section>', html, re.S
        ).group(0)
        assert page(new) in block
        assert 'data-testid="dash-returns-link"' in html

    def test_says_when_nothing_waits(self, artist_client):
        home = artist_client.get(reverse("dashboard:home")).content.decode()
        returns = artist_client.get(reverse("dashboard:returns")).content.decode()

        assert 'data-testid="return-queues-empty"' in home
        assert 'data-testid="return-queues-empty"' in returns

    def test_never_shows_another_shops_requests(
        self, artist_client, buyer, other_artist
    ):
        theirs = make_return(line=new_line(buyer, other_artist), reason="damaged")

        html = artist_client.get(reverse("dashboard:returns")).content.decode()

        assert page(theirs) not in html

    def test_the_state_filter_narrows_the_list(self, artist_client, buyer, artist):
        requested = make_return(line=new_line(buyer, artist), reason="changed_mind")
        rejected = make_return(
            line=new_line(buyer, artist), state="rejected", reason="changed_mind"
        )

        html = artist_client.get(
            reverse("dashboard:returns") + "?state=rejected"
        ).content.decode()

        listed = re.search(r'data-testid="return-list".*?</table>', html, re.S).group(0)
        assert page(rejected) in listed
        assert page(requested) not in listed

    def test_an_unknown_state_filter_shows_everything(
        self, artist_client, buyer, artist
    ):
        requested = make_return(line=new_line(buyer, artist), reason="changed_mind")

        response = artist_client.get(reverse("dashboard:returns") + "?state=lost")

        assert response.status_code == 200
        assert page(requested) in response.content.decode()


class TestQueueBudget:
    @pytest.mark.parametrize("size", [1, 10])
    def test_the_returns_page_costs_the_same_whatever_its_size(
        self, artist_client, buyer, artist, size, django_assert_max_num_queries
    ):
        states = ["requested", "accepted", "in_transit", "received", "refunded"]
        for index in range(size):
            make_return(
                line=new_line(buyer, artist, quantity=1),
                state=states[index % len(states)],
                reason="changed_mind",
            )

        with django_assert_max_num_queries(12):
            response = artist_client.get(reverse("dashboard:returns"))

        assert response.status_code == 200
        assert response.content.decode().count('data-testid="return-row"') == size

    @pytest.mark.parametrize("size", [1, 10])
    def test_the_overview_block_costs_the_same_whatever_its_size(
        self, artist_client, buyer, artist, size, django_assert_max_num_queries
    ):
        for _ in range(size):
            make_return(line=new_line(buyer, artist, quantity=1), reason="changed_mind")

        with django_assert_max_num_queries(20):
            response = artist_client.get(reverse("dashboard:home"))

        assert response.status_code == 200
        assert response.content.decode().count('data-testid="return-queue-row"') == min(
            size, 5
        )
