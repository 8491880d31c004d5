"""The buyer's return pages: what each order line says about returns, the
request form (reasons, photos, exchange, errors), the list of requests and
one request (step bar, timeline of history and messages, message form, the
buttons allowed now and what they do), private photos, and who may open or
post each page."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format

from messaging.models import Message
from returns import services
from returns.eligibility import line_eligibility
from returns.models import ReturnPhoto, ReturnRequest
from tests.factories import UserFactory
from tests.orders.factories import make_artist_order

from .factories import jpeg_upload, make_line, make_return, make_variant, staff_user

BUYER_BUTTONS = ["action-ship-back", "action-withdraw", "action-escalate"]


def logged_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def buttons_on(html: str) -> set[str]:
    return {name for name in BUYER_BUTTONS if f'data-testid="{name}"' in html}


def order_page(line):
    return reverse("account:order", kwargs={"number": line.artist_order.order.number})


def detail(return_request):
    return reverse("returns:detail", kwargs={"pk": return_request.pk})


@pytest.fixture
def buyer_client(buyer):
    return logged_in(buyer)


@pytest.fixture
def line(buyer, artist):
    return make_line(buyer=buyer, artist=artist, quantity=2, price="30.00")


# The order page -------------------------------------------------------------------


class TestOrderPageLines:
    def test_a_delivered_line_offers_a_return_and_says_until_when(
        self, buyer_client, line
    ):
        html = buyer_client.get(order_page(line)).content.decode()

        block = re.search(r'data-testid="line-return".*?</div>', html, re.S).group(0)
        assert 'data-returnable="yes"' in block
        assert reverse("returns:create", kwargs={"line_pk": line.pk}) in block
        assert "Return or exchange" in block
        eligibility = line_eligibility(line=line)
        assert (
            f"until {date_format(eligibility.change_of_mind_until, 'DATE_FORMAT')}"
            in block
        )
        assert f"until {date_format(eligibility.fault_until, 'DATE_FORMAT')}" in block

    def test_a_line_not_yet_shipped_says_why_not(self, buyer_client, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")

        html = buyer_client.get(
            reverse("account:order", kwargs={"number": artist_order.order.number})
        ).content.decode()

        assert 'data-returnable="no"' in html
        assert "has not shipped yet" in html
        assert 'data-testid="return-line"' not in html

    def test_a_line_whose_every_piece_is_under_a_request_links_to_it_and_says_why_not(
        self, buyer_client, line
    ):
        return_request = make_return(line=line, quantity=2, reason="changed_mind")

        html = buyer_client.get(order_page(line)).content.decode()

        assert detail(return_request) in html
        assert "already under a return request" in html
        assert 'data-testid="return-line"' not in html

    def test_a_line_past_every_window_says_the_period_is_over(
        self, buyer_client, buyer, artist
    ):
        old = make_line(buyer=buyer, artist=artist, delivered_days_ago=800)

        html = buyer_client.get(order_page(old)).content.decode()

        assert "return period of this item is over" in html
        assert "Return deadline:" in html

    def test_the_order_page_links_to_the_returns_list(self, buyer_client, line):
        html = buyer_client.get(order_page(line)).content.decode()

        assert reverse("returns:list") in html


# The request form -----------------------------------------------------------------


def form_url(line):
    return reverse("returns:create", kwargs={"line_pk": line.pk})


class TestRequestForm:
    def test_offers_the_reasons_possible_now_a_multiple_photo_input_and_the_artists_pieces(
        self, buyer_client, line, artist, other_artist
    ):
        blue = make_variant(artist, price="30.00")
        elsewhere = make_variant(other_artist)

        response = buyer_client.get(form_url(line))

        html = response.content.decode()
        assert response.status_code == 200
        for reason in [
            "changed_mind",
            "wrong_size",
            "wrong_item",
            "damaged",
            "non_compliant",
            "other",
        ]:
            assert f'value="{reason}"' in html
        assert re.search(r'<input type="file" name="photos"[^>]*multiple', html)
        assert 'data-photo-reasons="damaged non_compliant wrong_item"' in html
        assert f'value="variant:{blue.pk}"' in html
        assert f'value="variant:{elsewhere.pk}"' not in html
        assert 'max="2"' in html

    def test_a_personalised_line_offers_only_the_artists_fault_reasons(
        self, buyer_client, buyer, artist
    ):
        personalised = make_line(buyer=buyer, artist=artist, personalised=True)

        html = buyer_client.get(form_url(personalised)).content.decode()

        assert 'value="damaged"' in html
        assert 'value="changed_mind"' not in html
        assert "personalised for you" in html

    def test_a_damaged_piece_with_a_photo_is_sent_and_the_buyer_lands_on_the_request(
        self, buyer_client, line, artist, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_client.post(
                form_url(line),
                {
                    "reason": "damaged",
                    "quantity": "1",
                    "kind": "return",
                    "comment": "Cracked on arrival.",
                    "photos": [jpeg_upload()],
                },
            )

        return_request = ReturnRequest.objects.get()
        assert response.status_code == 302
        assert response.url == detail(return_request)
        assert (
            return_request.reason,
            return_request.quantity,
            return_request.state,
        ) == (
            "damaged",
            1,
            "requested",
        )
        assert return_request.photos.count() == 1
        assert [m.to for m in mailoutbox] == [[artist.user.email]]

    def test_a_damaged_piece_without_a_photo_shows_the_error_on_the_photos_field(
        self, buyer_client, line
    ):
        response = buyer_client.post(
            form_url(line), {"reason": "damaged", "quantity": "1", "kind": "return"}
        )

        html = response.content.decode()
        assert response.status_code == 400
        photos_row = re.search(
            r'data-field="photos".*?</div>\s*</div>|data-field="photos".*?</ul>',
            html,
            re.S,
        ).group(0)
        assert "at least one photo" in photos_row
        assert not ReturnRequest.objects.exists()

    def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(
        self, buyer_client, line
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile(
            "damage.jpg", b"not an image at all", content_type="image/jpeg"
        )

        response = buyer_client.post(
            form_url(line),
            {"reason": "damaged", "quantity": "1", "kind": "return", "photos": [fake]},
        )

        assert response.status_code == 400
        assert (
            'class="form-row has-error" data-field="photos"'
            in response.content.decode()
        )
        assert not ReturnRequest.objects.exists()
        assert not ReturnPhoto.objects.exists()

    def test_six_photos_are_refused(self, buyer_client, line):
        response = buyer_client.post(
            form_url(line),
            {
                "reason": "damaged",
                "quantity": "1",
                "kind": "return",
                "photos": [jpeg_upload(f"p{n}.jpg") for n in range(6)],
            },
        )

        assert response.status_code == 400
        assert "at most 5 photos" in response.content.decode()
        assert not ReturnRequest.objects.exists()

    def test_more_than_what_is_left_is_a_form_error(self, buyer_client, line):
        make_return(line=line, quantity=1, reason="changed_mind")

        response = buyer_client.post(
            form_url(line),
            {"reason": "changed_mind", "quantity": "2", "kind": "return"},
        )

        assert response.status_code == 400
        assert (
            'class="form-row has-error" data-field="quantity"'
            in response.content.decode()
        )
        assert ReturnRequest.objects.count() == 1

    def test_an_exchange_needs_a_wanted_replacement(self, buyer_client, line):
        response = buyer_client.post(
            form_url(line),
            {"reason": "wrong_size", "quantity": "1", "kind": "exchange"},
        )

        assert response.status_code == 400
        assert (
            'class="form-row has-error" data-field="desired_replacement"'
            in response.content.decode()
        )
        assert not ReturnRequest.objects.exists()

    def test_an_exchange_for_another_option_of_the_artist_is_recorded(
        self, buyer_client, line, artist
    ):
        blue = make_variant(artist, price="30.00")

        response = buyer_client.post(
            form_url(line),
            {
                "reason": "wrong_size",
                "quantity": "1",
                "kind": "exchange",
                "desired_replacement": f"variant:{blue.pk}",
            },
        )

        assert response.status_code == 302
        return_request = ReturnRequest.objects.get()
        assert (return_request.kind, return_request.desired_variant_id) == (
            "exchange",
            blue.pk,
        )

    def test_a_shop_without_exchanges_offers_only_returns(self, buyer_client, buyer):
        from .factories import make_artist

        shop = make_artist("no-swap", accepts_exchanges=False)
        no_swap = make_line(buyer=buyer, artist=shop)

        html = buyer_client.get(form_url(no_swap)).content.decode()

        assert 'value="exchange"' not in html
        assert 'name="desired_replacement"' not in html

    def test_a_line_that_cannot_be_returned_sends_back_to_the_order_with_why(
        self, buyer_client, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        unshipped = artist_order.lines.get()

        response = buyer_client.get(form_url(unshipped), follow=True)

        assert response.redirect_chain[-1][0].startswith(
            reverse("account:order", kwargs={"number": artist_order.order.number})
        )
        assert any("has not shipped yet" in m for m in messages_on(response))


# The list ---------------------------------------------------------------------------


class TestList:
    def test_shows_the_buyers_requests_only(self, buyer_client, buyer, artist, line):
        mine = make_return(line=line, reason="changed_mind")
        someone = UserFactory(username="someone")
        theirs = make_return(
            line=make_line(buyer=someone, artist=artist), reason="changed_mind"
        )

        html = buyer_client.get(reverse("returns:list")).content.decode()

        assert detail(mine) in html
        assert detail(theirs) not in html

    def test_says_how_to_start_when_there_is_none(self, buyer_client):
        html = buyer_client.get(reverse("returns:list")).content.decode()

        assert 'data-testid="no-returns"' in html


# One request ------------------------------------------------------------------------


def step_statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-state="(\w+)" data-status="(\w+)"', html))


class TestRequestPage:
    @pytest.mark.parametrize(
        "state, buttons",
        [
            ("requested", {"action-withdraw"}),
            ("accepted", {"action-ship-back", "action-withdraw"}),
            ("rejected", {"action-escalate"}),
            ("in_transit", set()),
            ("received", set()),
            ("refunded", set()),
            ("escalated", set()),
            ("withdrawn", set()),
            ("expired", set()),
            ("closed", set()),
        ],
    )
    def test_shows_the_buttons_allowed_now(self, buyer_client, line, state, buttons):
        return_request = make_return(line=line, state=state, reason="changed_mind")

        html = buyer_client.get(detail(return_request)).content.decode()

        assert buttons_on(html) == buttons
        assert (
            f'data-testid="return-state">{return_request.get_state_display()}<' in html
        )

    def test_the_step_bar_shows_what_is_done_and_what_comes(self, buyer_client, line):
        return_request = make_return(
            line=line, state="in_transit", reason="changed_mind"
        )

        steps = step_statuses(buyer_client.get(detail(return_request)).content.decode())

        assert steps == {
            "requested": "done",
            "accepted": "done",
            "in_transit": "current",
            "received": "todo",
            "refunded": "todo",
        }

    def test_the_step_bar_shows_where_a_rejected_request_stopped(
        self, buyer_client, line
    ):
        return_request = make_return(line=line, state="rejected", reason="changed_mind")

        steps = step_statuses(buyer_client.get(detail(return_request)).content.decode())

        assert steps == {"requested": "done", "rejected": "stopped"}

    def test_an_exchange_ends_with_the_replacement(self, buyer_client, line):
        return_request = make_return(
            line=line, state="replacement_shipped", reason="wrong_size"
        )

        steps = step_statuses(buyer_client.get(detail(return_request)).content.decode())

        assert steps["replacement_shipped"] == "current"
        assert "refunded" not in steps

    def test_the_timeline_merges_history_and_messages_by_time(
        self, buyer_client, buyer, artist, line
    ):
        return_request = make_return(line=line, reason="changed_mind")
        from messaging.services import return_request_message_post

        return_request_message_post(
            return_request=return_request, author=artist.user, body="Is it unused?"
        )
        services.return_request_accept(
            return_request=ReturnRequest.objects.get(pk=return_request.pk),
            by=artist.user,
            instructions="Send it to 3 rue du Four, Lyon.",
        )

        html = buyer_client.get(detail(return_request)).content.decode()

        timeline = re.search(
            r'data-testid="return-timeline".*?</ol>', html, re.S
        ).group(0)
        requested = timeline.index('data-transition="request"')
        question = timeline.index("Is it unused?")
        accepted = timeline.index('data-transition="accept"')
        assert requested < question < accepted
        assert 'data-testid="timeline-message"' in timeline
        assert "Send it to 3 rue du Four, Lyon." in html

    def test_the_buyer_writes_to_the_artist_from_the_page(
        self, buyer_client, buyer, artist, line, django_capture_on_commit_callbacks
    ):
        return_request = make_return(line=line, reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:message", kwargs={"pk": return_request.pk}),
            {"body": "It is still in its box."},
        )

        assert response.status_code == 302
        message = Message.objects.get(body="It is still in its box.")
        assert (
            message.thread_id
            == ReturnRequest.objects.get(pk=return_request.pk).thread_id
        )
        assert message.author == buyer
        page = buyer_client.get(detail(return_request)).content.decode()
        assert "It is still in its box." in page

    def test_an_empty_message_is_a_form_error(self, buyer_client, line):
        return_request = make_return(line=line, reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:message", kwargs={"pk": return_request.pk}), {"body": ""}
        )

        assert response.status_code == 400
        assert "Write a message." in response.content.decode()

    def test_the_photos_are_shown_through_the_private_view(self, buyer_client, line):
        return_request = make_return(line=line, reason="damaged")
        photo = return_request.photos.get()

        html = buyer_client.get(detail(return_request)).content.decode()

        assert reverse("returns:photo", kwargs={"pk": photo.pk}) in html
        assert photo.image.name not in html


class TestBuyerActions:
    def test_ship_back_records_the_tracking_and_tells_the_artist(
        self, buyer_client, line, artist, django_capture_on_commit_callbacks, mailoutbox
    ):
        return_request = make_return(line=line, state="accepted", reason="changed_mind")

        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_client.post(
                reverse("returns:ship_back", kwargs={"pk": return_request.pk}),
                {
                    "ship_back-carrier": "Colissimo",
                    "ship_back-tracking_number": "8R123",
                },
                follow=True,
            )

        return_request.refresh_from_db()
        assert return_request.state == "in_transit"
        assert (
            return_request.return_carrier,
            return_request.return_tracking_number,
        ) == (
            "Colissimo",
            "8R123",
        )
        assert any("on its way" in m for m in messages_on(response))
        assert 'data-testid="return-tracking"' in response.content.decode()
        assert artist.user.email in [address for m in mailoutbox for address in m.to]

    def test_ship_back_without_a_tracking_number_is_a_form_error(
        self, buyer_client, line
    ):
        return_request = make_return(line=line, state="accepted", reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:ship_back", kwargs={"pk": return_request.pk}),
            {"ship_back-carrier": "Colissimo"},
        )

        assert response.status_code == 400
        assert 'data-field="tracking_number"' in response.content.decode()
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "accepted"

    def test_withdraw(self, buyer_client, line):
        return_request = make_return(line=line, state="accepted", reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:withdraw", kwargs={"pk": return_request.pk}), follow=True
        )

        assert ReturnRequest.objects.get(pk=return_request.pk).state == "withdrawn"
        assert any("withdrawn" in m for m in messages_on(response))

    def test_escalate_a_rejected_request_with_a_message(self, buyer_client, line):
        return_request = make_return(line=line, state="rejected", reason="changed_mind")

        buyer_client.post(
            reverse("returns:escalate", kwargs={"pk": return_request.pk}),
            {"message": "It was never worn."},
        )

        return_request.refresh_from_db()
        assert return_request.state == "escalated"
        assert return_request.escalation_message == "It was never worn."

    def test_escalate_needs_a_message(self, buyer_client, line):
        return_request = make_return(line=line, state="rejected", reason="changed_mind")

        response = buyer_client.post(
            reverse("returns:escalate", kwargs={"pk": return_request.pk}),
            {"message": ""},
        )

        assert response.status_code == 400
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "rejected"

    @pytest.mark.parametrize(
        "name, body",
        [
            (
                "ship_back",
                {"ship_back-carrier": "Colissimo", "ship_back-tracking_number": "8R1"},
            ),
            ("withdraw", {}),
            ("escalate", {"message": "Please."}),
        ],
    )
    def test_an_action_the_state_no_longer_allows_is_a_message_not_an_error(
        self, buyer_client, line, name, body
    ):
        return_request = make_return(line=line, state="refunded", reason="changed_mind")

        response = buyer_client.post(
            reverse(f"returns:{name}", kwargs={"pk": return_request.pk}),
            body,
            follow=True,
        )

        assert response.status_code == 200
        assert messages_on(response)
        assert ReturnRequest.objects.get(pk=return_request.pk).state == "refunded"


# Who may open or post what ------------------------------------------------------------

ROLES = ["buyer", "other_buyer", "artist", "other_artist", "staff", "anonymous"]


@pytest.fixture
def people(buyer, artist, other_artist):
    return {
        "buyer": buyer,
        "other_buyer": UserFactory(username="other-buyer"),
        "artist": artist.user,
        "other_artist": other_artist.user,
        "staff": staff_user(),
        "anonymous": None,
    }


# page: (method, state, body, {role: status}); 302 "login" for anonymous
# visitors, "dashboard" for the artist sent to its own page of the request.
OWN = {
    "buyer": 200,
    "other_buyer": 404,
    "artist": 404,
    "other_artist": 404,
    "staff": 404,
    "anonymous": "login",
}
ACT = {
    "buyer": 302,
    "other_buyer": 404,
    "artist": 404,
    "other_artist": 404,
    "staff": 404,
    "anonymous": "login",
}
PAGES = {
    "detail": ("get", "requested", None, {**OWN, "artist": "dashboard"}),
    "message": ("post", "requested", {"body": "Hello"}, ACT),
    "ship_back": (
        "post",
        "accepted",
        {"ship_back-carrier": "Colissimo", "ship_back-tracking_number": "8R1"},
        ACT,
    ),
    "withdraw": ("post", "requested", {}, ACT),
    "escalate": ("post", "rejected", {"message": "Please."}, ACT),
    "photo": (
        "get",
        "requested",
        None,
        {
            "buyer": 200,
            "artist": 200,
            "staff": 200,
            "other_buyer": 404,
            "other_artist": 404,
            "anonymous": "login",
        },
    ),
    "create": ("get", None, None, OWN),
    "list": (
        "get",
        None,
        None,
        {
            "buyer": 200,
            "other_buyer": 200,
            "artist": 200,
            "other_artist": 200,
            "staff": 200,
            "anonymous": "login",
        },
    ),
}


class TestWhoMayOpenWhat:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("page", list(PAGES))
    def test_only_the_right_people_get_in(self, people, buyer, artist, page, role):
        method, state, body, expected = PAGES[page]
        line = make_line(buyer=buyer, artist=artist)
        return_request = make_return(
            line=line, state=state or "requested", reason="damaged"
        )
        if page == "photo":
            path = reverse(
                "returns:photo", kwargs={"pk": return_request.photos.get().pk}
            )
        elif page == "create":
            path = reverse("returns:create", kwargs={"line_pk": line.pk})
        elif page == "list":
            path = reverse("returns:list")
        else:
            path = reverse(f"returns:{page}", kwargs={"pk": return_request.pk})
        before = ReturnRequest.objects.get(pk=return_request.pk).state

        client = logged_in(people[role])
        response = client.get(path) if method == "get" else client.post(path, body)

        want = expected[role]
        if want == "login":
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))
        elif want == "dashboard":
            assert response.status_code == 302
            assert response.url == reverse(
                "dashboard:return", kwargs={"pk": return_request.pk}
            )
        else:
            assert response.status_code == want, response.content[:500]
        if want != 302:
            assert ReturnRequest.objects.get(pk=return_request.pk).state == before

    def test_the_list_of_another_buyer_shows_none_of_the_buyers_requests(
        self, people, buyer, artist
    ):
        return_request = make_return(
            line=make_line(buyer=buyer, artist=artist), reason="changed_mind"
        )

        html = (
            logged_in(people["other_buyer"])
            .get(reverse("returns:list"))
            .content.decode()
        )

        assert detail(return_request) not in html


class TestRequestPageBudget:
    @pytest.mark.parametrize("messages_count", [1, 8])
    def test_the_request_page_costs_the_same_whatever_its_conversation(
        self,
        buyer_client,
        buyer,
        artist,
        line,
        messages_count,
        django_assert_max_num_queries,
    ):
        from messaging.services import return_request_message_post

        return_request = make_return(line=line, state="accepted", reason="damaged")
        for n in range(messages_count):
            return_request_message_post(
                return_request=return_request,
                author=artist.user if n % 2 else buyer,
                body=f"Message {n}",
                photos=[jpeg_upload(f"m{n}.jpg")],
            )

        with django_assert_max_num_queries(20):
            response = buyer_client.get(detail(return_request))

        assert response.status_code == 200
        assert (
            response.content.decode().count('data-testid="timeline-message"')
            == messages_count
        )


def test_the_deadline_to_send_back_is_shown(buyer_client, line):
    from django.utils import timezone

    return_request = make_return(line=line, state="requested", reason="changed_mind")
    services.return_request_accept(
        return_request=return_request,
        by=line.artist_order.artist.user,
        instructions="3 rue du Four",
        ship_back_deadline=timezone.localdate() + timedelta(days=20),
    )

    html = buyer_client.get(detail(return_request)).content.decode()

    assert 'data-testid="ship-back-deadline"' in html
