"""Messaging services: system messages, email grouping, moderation and
suspension with their author, reply time."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.errors import DomainError
from marketplace.notifications.models import Notification
from marketplace.notifications.services import sweep_pending
from messaging import selectors, services
from messaging.models import Message, StaffAction, Thread
from messaging.rendering import system_text
from orders.models import Cart
from orders.services import cart_add_line
from returns.models import ReturnRequest
from staff import services as staff_services
from tests.orders.factories import make_variant

from .conftest import api_as
from .factories import make_artist_order

pytestmark = pytest.mark.django_db


class TestSystemMessages:
    def test_posting_twice_with_the_same_key_records_one_message(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        post = {
            "artist_order": artist_order,
            "event": "order_accepted",
            "context": {},
            "dedupe_key": f"artist_order:{artist_order.pk}:accepted",
        }

        first = services.system_message_post(**post)
        retried = services.system_message_post(**post)

        assert first is not None and retried is None
        thread = Thread.objects.get()
        assert (thread.kind, thread.buyer, thread.artist) == (
            "artist_order",
            buyer,
            artist,
        )
        assert thread.messages.filter(event="order_accepted").count() == 1

    def test_uses_the_thread_the_buyer_already_started_about_the_order(
        self, buyer, artist
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        started = services.thread_start(
            buyer=buyer, artist=artist, artist_order=artist_order, body="Hello"
        )

        services.system_message_post(
            artist_order=artist_order,
            event="order_accepted",
            context={},
            dedupe_key="k1",
        )
        services.system_message_post(
            artist_order=artist_order,
            event="order_shipped",
            context={"carrier": "Colissimo", "tracking_number": "XY1"},
            dedupe_key="k2",
        )

        assert Thread.objects.get() == started
        assert [m.event for m in started.messages.filter(system=True)] == [
            "order_accepted",
            "order_shipped",
        ]

    def test_sends_no_email_and_counts_as_unread_for_nobody(
        self, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            services.system_message_post(
                artist_order=artist_order,
                event="order_accepted",
                context={},
                dedupe_key="k",
            )

        assert mailoutbox == []
        thread = Thread.objects.get()
        for user in (buyer, artist.user):
            row = api_as(user).get("/api/v1/threads/").json()["results"][0]
            assert (row["id"], row["unread"]) == (thread.pk, 0)

    def test_is_rendered_in_each_readers_language(self, settings, buyer, french_artist):
        # A test-only event template that prints the language it is rendered in.
        settings.TEMPLATES = [
            {
                **settings.TEMPLATES[0],
                "DIRS": [
                    *settings.TEMPLATES[0]["DIRS"],
                    Path(__file__).parent / "templates",
                ],
            }
        ]
        artist_order = make_artist_order(buyer=buyer, artist=french_artist)
        message = services.system_message_post(
            artist_order=artist_order,
            event="test_language",
            context={"carrier": "La Poste"},
            dedupe_key="language",
        )
        url = f"/api/v1/threads/{message.thread_id}/"

        seen = {
            user.username: api_as(user).get(url).json()["messages"][-1]["body"]
            for user in (buyer, french_artist.user)
        }

        assert seen == {
            "buyer": "language=en carrier=La Poste",
            "tisserande": "language=fr carrier=La Poste",
        }
        with translation.override("fr"):
            assert system_text(message) == "language=fr carrier=La Poste"
        assert system_text(message, language="en") == "language=en carrier=La Poste"

    def test_order_events_read_as_sentences(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        message = services.system_message_post(
            artist_order=artist_order,
            event="order_shipped",
            context={"carrier": "La Poste", "tracking_number": "6A1"},
            dedupe_key="shipped",
        )

        assert system_text(message, language="en") == (
            "The order has shipped with La Poste, tracking number 6A1."
        )

    def test_an_unknown_event_still_reads_as_a_status_change(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        message = services.system_message_post(
            artist_order=artist_order,
            event="../../secret",
            context={},
            dedupe_key="odd",
        )

        assert (
            system_text(message) == "The status of this conversation's subject changed."
        )

    def test_a_return_request_gets_its_own_thread_linked_once(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        return_request = ReturnRequest.objects.create(
            artist_order=artist_order,
            line=artist_order.lines.get(),
            buyer=buyer,
            quantity=1,
            kind="return",
            reason="changed_mind",
        )

        services.system_message_post(
            return_request=return_request,
            event="return_requested",
            context={"kind": "return", "quantity": 1, "title": "Bowl"},
            dedupe_key="r1",
        )
        services.system_message_post(
            return_request=return_request,
            event="return_accepted",
            context={},
            dedupe_key="r2",
        )

        thread = Thread.objects.get(kind="return_request")
        assert thread.artist_order == artist_order
        assert return_request.thread_id == thread.pk
        assert ReturnRequest.objects.get().thread_id == thread.pk
        assert thread.messages.count() == 2
        assert (
            system_text(thread.messages.first())
            == "The buyer asked to return 1 × Bowl."
        )


class TestNewMessageEmails:
    def test_three_messages_within_the_window_leave_as_one_email(
        self,
        settings,
        buyer,
        artist,
        mailoutbox,
        monkeypatch,
        django_capture_on_commit_callbacks,
    ):
        settings.MESSAGE_EMAIL_GROUP_SECONDS = 120
        with django_capture_on_commit_callbacks(execute=True):
            thread = services.thread_start(buyer=buyer, artist=artist, body="First")
            services.message_post(thread=thread, author=buyer, body="Second")
            services.message_post(thread=thread, author=buyer, body="Third")

        assert mailoutbox == []  # not due yet
        assert Notification.objects.filter(event="new_message").count() == 1

        later = timezone.now() + timedelta(seconds=121)
        monkeypatch.setattr(timezone, "now", lambda: later)
        sweep_pending()

        assert len(mailoutbox) == 1
        email = mailoutbox[0]
        assert email.to == ["potter@example.com"]
        assert "3 new messages" in email.subject
        body = email.body
        assert body.index("First") < body.index("Second") < body.index("Third")
        assert reverse("messaging:thread", args=[thread.pk]) in body

    def test_a_message_after_the_email_left_gets_its_own_email(
        self, settings, buyer, artist, mailoutbox, monkeypatch
    ):
        settings.MESSAGE_EMAIL_GROUP_SECONDS = 120
        thread = services.thread_start(buyer=buyer, artist=artist, body="First")
        later = timezone.now() + timedelta(seconds=121)
        monkeypatch.setattr(timezone, "now", lambda: later)
        sweep_pending()

        services.message_post(thread=thread, author=buyer, body="Second")
        monkeypatch.setattr(timezone, "now", lambda: later + timedelta(seconds=121))
        sweep_pending()

        assert [("First" in m.body, "Second" in m.body) for m in mailoutbox] == [
            (True, False),
            (False, True),
        ]

    def test_messages_of_two_threads_are_not_mixed(self, settings, buyer, artist):
        settings.MESSAGE_EMAIL_GROUP_SECONDS = 120
        item_thread = services.thread_start(
            buyer=buyer,
            artist=artist,
            body="About the bowl",
            item=make_variant(artist).item,
        )
        general = services.thread_start(
            buyer=buyer, artist=artist, body="About the shop"
        )

        contexts = [n.context for n in Notification.objects.filter(event="new_message")]

        assert sorted(c["thread_id"] for c in contexts) == sorted(
            [item_thread.pk, general.pk]
        )

    def test_a_suspended_recipient_is_not_emailed(
        self, buyer, artist, staff, mailoutbox, django_capture_on_commit_callbacks
    ):
        staff_services.account_suspend(user=artist.user, by=staff, reason="Abuse")
        thread = Thread.objects.create(buyer=buyer, artist=artist)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            services.message_post(thread=thread, author=buyer, body="Hello?")

        assert mailoutbox == []


class TestModeration:
    def test_hiding_keeps_the_message_and_records_who_did_it(
        self, buyer, artist, staff
    ):
        thread = services.thread_start(buyer=buyer, artist=artist, body="Abusive")
        message = thread.messages.get()

        services.message_hide(message=message, by=staff, reason="Insults")

        message.refresh_from_db()
        assert message.body == "Abusive"
        assert (message.hidden_by, message.hidden_reason) == (staff, "Insults")
        action = StaffAction.objects.get()
        assert (action.by, action.action, action.target_id, action.reason) == (
            staff,
            "hide",
            str(message.pk),
            "Insults",
        )
        assert (
            api_as(artist.user)
            .get(f"/api/v1/threads/{thread.pk}/")
            .json()["messages"][0]["body"]
            == ""
        )

    def test_only_staff_can_hide(self, buyer, artist):
        thread = services.thread_start(buyer=buyer, artist=artist, body="Hello")

        with pytest.raises(DomainError):
            services.message_hide(
                message=thread.messages.get(), by=artist.user, reason=""
            )

        assert not StaffAction.objects.exists()

    def test_staff_flag_is_recorded_and_joins_the_escalation_list(
        self, buyer, artist, staff
    ):
        from messaging.selectors import flagged_messages

        thread = services.thread_start(buyer=buyer, artist=artist, body="Spam")

        services.message_flag(
            message=thread.messages.get(), by=staff, reason="Spam link"
        )

        assert list(flagged_messages()) == [thread.messages.get()]
        assert StaffAction.objects.get().action == "flag"

    def test_suspending_an_artist_hides_its_shop_and_refuses_its_login(
        self, client, buyer, artist, staff
    ):
        variant = make_variant(artist)

        staff_services.account_suspend(user=artist.user, by=staff, reason="Fake items")

        action = StaffAction.objects.get()
        assert (action.by, action.action, action.reason) == (
            staff,
            "suspend",
            "Fake items",
        )
        assert LogEntry.objects.filter(
            user=staff, object_id=str(artist.user.pk)
        ).exists()
        assert client.get(artist.get_absolute_url()).status_code == 404
        assert (
            artist.slug not in client.get(reverse("catalog:artists")).content.decode()
        )
        assert client.get(variant.item.get_absolute_url()).status_code == 404
        login = client.post(
            reverse("accounts:login"),
            {"username": "potter", "password": "correct-horse-battery"},
        )
        assert login.status_code == 200
        assert "_auth_user_id" not in client.session
        token = api_as(buyer).post(
            "/api/v1/auth/token/",
            {"username": "potter", "password": "correct-horse-battery"},
        )
        assert token.status_code == 400
        cart, _created = Cart.objects.get_or_create(user=buyer)
        with pytest.raises(DomainError):
            cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)

    def test_a_suspended_shops_piece_already_in_a_cart_cannot_be_checked_out(
        self, buyer, artist, staff
    ):
        from orders.models import Order
        from orders.services import checkout
        from tests.orders.factories import ADDRESS

        variant = make_variant(artist, stock=3)
        cart, _created = Cart.objects.get_or_create(user=buyer)
        cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)

        staff_services.account_suspend(user=artist.user, by=staff, reason="Fake items")

        with pytest.raises(DomainError) as refused:
            checkout(
                cart=cart,
                buyer=buyer,
                shipping_address=dict(ADDRESS),
                payment={"provider": "test", "token": "ok"},
            )
        assert "no longer for sale" in str(refused.value)
        assert not Order.objects.exists()
        variant.refresh_from_db()
        assert variant.stock == 3

    def test_reinstating_reopens_the_shop_and_is_recorded(self, client, artist, staff):
        staff_services.account_suspend(user=artist.user, by=staff, reason="Mistake?")

        staff_services.account_reinstate(
            user=artist.user, by=staff, reason="Appeal accepted"
        )

        assert client.get(artist.get_absolute_url()).status_code == 200
        assert list(
            StaffAction.objects.order_by("at", "id").values_list("action", "by")
        ) == [
            ("suspend", staff.pk),
            ("reinstate", staff.pk),
        ]

    def test_a_suspension_needs_a_reason_and_a_staff_member(self, artist, buyer, staff):
        with pytest.raises(DomainError):
            staff_services.account_suspend(user=artist.user, by=staff, reason=" ")
        with pytest.raises(DomainError):
            staff_services.account_suspend(user=artist.user, by=buyer, reason="Because")

        artist.user.refresh_from_db()
        assert artist.user.is_active
        assert not StaffAction.objects.exists()


class TestReplyTime:
    def _conversation(self, buyer, artist, *, asked_hours_ago, answered_after_hours):
        thread = Thread.objects.create(buyer=buyer, artist=artist, kind="general")
        asked = timezone.now() - timedelta(hours=asked_hours_ago)
        Message.objects.create(thread=thread, author=buyer, body="?", created_at=asked)
        if answered_after_hours is not None:
            Message.objects.create(
                thread=thread,
                author=artist.user,
                body="!",
                created_at=asked + timedelta(hours=answered_after_hours),
            )
        return thread

    def test_is_the_median_time_to_the_first_answer(self, buyer, other_buyer, artist):
        from tests.factories import UserFactory

        self._conversation(buyer, artist, asked_hours_ago=50, answered_after_hours=1)
        self._conversation(
            other_buyer, artist, asked_hours_ago=50, answered_after_hours=3
        )
        self._conversation(
            UserFactory(), artist, asked_hours_ago=50, answered_after_hours=10
        )
        self._conversation(
            UserFactory(), artist, asked_hours_ago=5, answered_after_hours=None
        )

        assert selectors.artist_reply_time(artist=artist) == timedelta(hours=3)

    def test_counts_only_threads_of_the_last_30_days(self, buyer, artist):
        old = self._conversation(
            buyer, artist, asked_hours_ago=1, answered_after_hours=0.5
        )
        Thread.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(days=31)
        )

        assert selectors.artist_reply_time(artist=artist) is None
