"""The page cache never shows a stale page.

``marketplace.pagecache`` keeps the body of the buyer's order page, the body
of the seller dashboard home and the header counts (cart, unread messages)
in the cache. Each test here loads a page once (so that it is cached), makes
a change the way it happens for real (the other user's page, the API, the
admin, a periodic job, the clock), and loads the page again: the change must
show at once.

The minute that cached parts carry in their key is pinned to the start of
the test (``clock``), so that a reload always meets the cached part unless
the change retired it: a test cannot pass because a minute went by. The
clock only moves when a test moves it (``clock.move``), and then both the
code and the minute in the key see the new time.
"""

import io
import re
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from artists import dashboard_views
from artists.jobs import send_back_in_stock_alerts
from artists.models import StockAlert, Variant
from marketplace import pagecache
from marketplace.messaging.models import Message
from orders import jobs as order_jobs
from orders import views as order_views
from orders.models import ArtistOrder, CartLine, Refund
from orders.payments import TestPaymentProvider
from orders.services import refund_create
from returns import jobs as return_jobs
from returns.models import ReturnRequest
from tests.factories import UserFactory, VariantFactory
from tests.orders.factories import (
    ADDRESS,
    checkout_body,
    make_artist,
    make_artist_order,
    make_variant,
)
from tests.returns.factories import make_return

pytestmark = pytest.mark.django_db


# --- the clock, the cache and the test provider ---------------------------------------


class Clock:
    """``django.utils.timezone.now`` plus an offset that ``move`` grows; the
    minute of ``pagecache.part_key`` is the test's first minute plus that
    offset."""

    def __init__(self, monkeypatch):
        real_now = timezone.now
        self.offset = timedelta(0)
        self.start = real_now()
        monkeypatch.setattr(timezone, "now", lambda: real_now() + self.offset)
        monkeypatch.setattr(
            pagecache,
            "timezone",
            SimpleNamespace(
                now=lambda: self.start + self.offset,
                get_current_timezone_name=timezone.get_current_timezone_name,
            ),
        )

    def move(self, **delta) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture(autouse=True)
def clock(monkeypatch, settings):
    settings.PAGE_CACHE = True
    # Sessions outlive the clock moving forward by years.
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    settings.MESSAGE_EMAIL_GROUP_SECONDS = 0
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_test_provider(monkeypatch):
    """The test provider remembers refunds per (payment, key), and factory
    payment references repeat between tests: start from a blank memory."""
    monkeypatch.setattr(TestPaymentProvider, "_refunds", {})
    monkeypatch.setattr(TestPaymentProvider, "_charges", {})
    monkeypatch.setattr(TestPaymentProvider, "refunds_paid", [])


@pytest.fixture
def renders(monkeypatch):
    """How many times each cached part was rendered from the database."""
    counts = Counter()
    for module, name in ((order_views, "_order_detail_part"), (dashboard_views, "_home_part")):
        original = getattr(module, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return counts


# --- people and pages ------------------------------------------------------------------


@pytest.fixture
def staff(db):
    return UserFactory(username="support", email="support@example.com", is_staff=True, is_superuser=True)


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def page(client, url) -> str:
    """The HTML of ``url``; every page must answer 200 and never show the
    CSRF stand-in of cached parts."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert pagecache.CSRF_STAND_IN not in html
    return html


def order_url(artist_order) -> str:
    return reverse("account:order", kwargs={"number": artist_order.order.number})


def buyer_action(name, artist_order) -> str:
    return reverse(
        f"account:artist_order_{name}", kwargs={"number": artist_order.order.number, "pk": artist_order.pk}
    )


def dashboard_action(name, obj) -> str:
    return reverse(f"dashboard:{name}", args=[obj.pk])


HOME = reverse("dashboard:home")


def posted(response) -> None:
    """A form that worked redirects (a form error answers 200 or 400)."""
    assert response.status_code == 302, response.content.decode()[:2000]


def badge(html, testid) -> int:
    """The number in the badge ``testid`` (0 when the badge is not shown)."""
    found = re.search(rf'data-testid="{testid}"[^>]*>\s*(\d+)\s*<', html)
    return int(found.group(1)) if found else 0


def timeline(html) -> str:
    return html.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]


def refunds_table(html) -> str:
    return html.split('data-testid="refunds"', 1)[1].split("</table>", 1)[0]


def line_return(html) -> str:
    return html.split('data-testid="line-return"', 1)[1].split("</div>", 1)[0]


def waiting_alerts(html) -> int:
    """The dashboard's "Buyers waiting for a restock" figure."""
    after = html.split("Buyers waiting for a restock", 1)[1]
    return int(re.match(r"\s*</div>\s*<div[^>]*>\s*(\d+)\s*<", after).group(1))


def has(html, testid) -> bool:
    return f'data-testid="{testid}"' in html


# --- the cache is really in use ----------------------------------------------------------


class TestTheCacheIsReallyUsed:
    """Without these, every freshness test below could pass with no cache."""

    def test_a_reload_serves_the_order_page_from_the_cache(self, buyer, artist, renders):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        client = logged_in(buyer)

        first = page(client, order_url(artist_order))
        second = page(client, order_url(artist_order))

        assert renders["_order_detail_part"] == 1
        assert artist_order.tracking_number in first and artist_order.tracking_number in second

    def test_a_change_that_bypasses_the_receivers_is_not_seen_until_a_bump(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        client = logged_in(buyer)
        page(client, order_url(artist_order))

        # QuerySet.update sends no signal: the cached body is served as it was.
        ArtistOrder.objects.filter(pk=artist_order.pk).update(tracking_number="ZZ-UNSEEN-1")
        assert "ZZ-UNSEEN-1" not in page(client, order_url(artist_order))

        pagecache.bump_orders([artist_order.order_id])
        assert "ZZ-UNSEEN-1" in page(client, order_url(artist_order))

    def test_a_reload_serves_the_dashboard_home_from_the_cache(self, artist, renders):
        client = logged_in(artist.user)

        page(client, HOME)
        page(client, HOME)

        assert renders["_home_part"] == 1


# --- the buyer's order page ----------------------------------------------------------------


class TestOrderPageFollowsTheArtist:
    def test_shows_the_order_accepted_once_the_artist_accepts_it(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        buyer_client, artist_client = logged_in(buyer), logged_in(artist.user)
        before = page(buyer_client, order_url(artist_order))
        assert 'data-state="awaiting_acceptance"' in before
        assert has(before, "action-cancel")

        posted(artist_client.post(dashboard_action("order_accept", artist_order)))

        html = page(buyer_client, order_url(artist_order))
        assert 'data-state="accepted"' in html
        assert "The artist accepted your order and is preparing it." in html
        assert not has(html, "action-cancel")
        assert has(html, "action-request-cancellation")
        assert "Accepted by the artist" in timeline(html)

    def test_shows_the_refusal_with_its_reason_and_the_refund(
        self, buyer, artist, django_capture_on_commit_callbacks
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        buyer_client, artist_client = logged_in(buyer), logged_in(artist.user)
        page(buyer_client, order_url(artist_order))

        with django_capture_on_commit_callbacks(execute=True):
            posted(artist_client.post(dashboard_action("order_refuse", artist_order), {"reason": "The kiln broke."}))

        html = page(buyer_client, order_url(artist_order))
        assert 'data-state="refused"' in html
        assert "The artist could not take your order: The kiln broke." in html
        assert "It is refunded in full." in html
        assert "succeeded" in refunds_table(html)
        assert 'data-testid="order-refunded">29.00 €<' in html
        assert 'data-testid="order-status">cancelled<' in html

    def test_shows_the_tracking_number_once_the_artist_ships(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        buyer_client, artist_client = logged_in(buyer), logged_in(artist.user)
        assert not has(page(buyer_client, order_url(artist_order)), "tracking")

        posted(
            artist_client.post(
                dashboard_action("order_ship", artist_order),
                {"ship-carrier": "Chronopost", "ship-tracking_number": "XY123456789FR"},
            )
        )

        html = page(buyer_client, order_url(artist_order))
        assert 'data-state="shipped"' in html
        assert "Shipped with Chronopost, tracking number XY123456789FR." in html
        assert has(html, "action-confirm-delivery")

    def test_follows_a_lost_parcel_reported_shipped_again_then_refunded(
        self, buyer, artist, settings, django_capture_on_commit_callbacks
    ):
        settings.NOT_RECEIVED_AFTER_DAYS = 0
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        buyer_client, artist_client = logged_in(buyer), logged_in(artist.user)
        assert has(page(buyer_client, order_url(artist_order)), "action-report-not-received")

        posted(buyer_client.post(buyer_action("report_not_received", artist_order), {"note": "Nothing came."}))
        html = page(buyer_client, order_url(artist_order))
        assert 'data-testid="not-received-report" data-status="open"' in html
        assert not has(html, "action-report-not-received")

        posted(
            artist_client.post(
                dashboard_action("order_reship", artist_order),
                {"reship-carrier": "DHL", "reship-tracking_number": "JD0002"},
            )
        )
        html = page(buyer_client, order_url(artist_order))
        assert 'data-testid="not-received-report" data-status="reshipped"' in html
        assert "tracking number JD0002" in html

        posted(buyer_client.post(buyer_action("report_not_received", artist_order), {"note": "Lost again."}))
        page(buyer_client, order_url(artist_order))
        with django_capture_on_commit_callbacks(execute=True):
            posted(artist_client.post(dashboard_action("order_refund_lost", artist_order)))
        html = page(buyer_client, order_url(artist_order))
        assert "Your parcel was lost: this part is refunded." in html
        assert "succeeded" in refunds_table(html)

    def test_shows_the_new_shop_name_once_the_artist_renames_the_shop(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        buyer_client = logged_in(buyer)
        assert artist.name in page(buyer_client, order_url(artist_order))

        posted(
            logged_in(artist.user).post(
                reverse("dashboard:shop"),
                {"action": "profile", "name": "Terre & Feu", "story": "Wood-fired.", "location": "Dieulefit", "country": "FR"},
            )
        )

        html = page(buyer_client, order_url(artist_order))
        assert "Terre &amp; Feu" in html
        assert f">{artist.name}<" not in html


class TestOrderPageFollowsTheBuyer:
    def test_shows_a_part_cancelled_by_the_buyer_with_its_refund(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)
        page(client, order_url(artist_order))

        posted(client.post(buyer_action("cancel", artist_order), {"reason": "Changed my mind."}))

        html = page(client, order_url(artist_order))
        assert 'data-state="cancelled"' in html
        assert "This part of the order is cancelled." in html
        assert has(html, "refund")
        assert not has(html, "cancel-order")

    def test_shows_the_cancellation_request_and_the_artists_answer_by_refusing(
        self, buyer, artist, django_capture_on_commit_callbacks
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        client = logged_in(buyer)
        page(client, order_url(artist_order))

        posted(client.post(reverse("account:order_cancel", kwargs={"number": artist_order.order.number}), {"reason": ""}))
        html = page(client, order_url(artist_order))
        assert 'data-testid="cancellation-request" data-status="open"' in html
        assert not has(html, "action-request-cancellation")

        with django_capture_on_commit_callbacks(execute=True):
            posted(
                logged_in(artist.user).post(dashboard_action("order_refuse", artist_order), {"reason": "As you asked."})
            )
        html = page(client, order_url(artist_order))
        assert 'data-testid="cancellation-request" data-status="accepted"' in html
        assert "Your cancellation request was accepted: this part is refunded." in html

    def test_shows_the_cancellation_request_declined_when_the_artist_ships(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        client = logged_in(buyer)
        posted(client.post(buyer_action("cancel", artist_order), {"reason": "Too slow."}))
        assert 'data-status="open"' in page(client, order_url(artist_order))

        posted(
            logged_in(artist.user).post(
                dashboard_action("order_ship", artist_order),
                {"ship-carrier": "Colissimo", "ship-tracking_number": "6A0000000042"},
            )
        )

        html = page(client, order_url(artist_order))
        assert 'data-testid="cancellation-request" data-status="declined"' in html
        assert "6A0000000042" in html

    def test_shows_the_delivery_confirmed(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        client = logged_in(buyer)
        assert 'data-returnable="yes"' in page(client, order_url(artist_order))

        posted(client.post(buyer_action("confirm_delivery", artist_order)))

        html = page(client, order_url(artist_order))
        assert 'data-state="delivered"' in html
        assert "Delivered on" in html
        assert not has(html, "action-confirm-delivery")

    def test_a_second_session_of_the_buyer_sees_the_change_made_in_the_first(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        phone, laptop = logged_in(buyer), logged_in(buyer)
        page(phone, order_url(artist_order))
        page(laptop, order_url(artist_order))

        posted(phone.post(buyer_action("cancel", artist_order), {"reason": ""}))

        assert 'data-state="cancelled"' in page(laptop, order_url(artist_order))


class TestOrderPageFollowsRefunds:
    def test_shows_a_pending_refund_then_succeeded_once_the_provider_pays(
        self, buyer, artist, monkeypatch, django_capture_on_commit_callbacks
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)
        page(client, order_url(artist_order))
        monkeypatch.setattr(TestPaymentProvider, "refund_outage", True)
        with django_capture_on_commit_callbacks(execute=True):
            posted(logged_in(artist.user).post(dashboard_action("order_refuse", artist_order), {"reason": "Sold out."}))
        html = page(client, order_url(artist_order))
        assert "pending" in refunds_table(html)
        assert 'data-testid="order-refunded">29.00 €<' in html

        monkeypatch.setattr(TestPaymentProvider, "refund_outage", False)
        assert order_jobs.retry_pending_refunds(now=timezone.now() + timedelta(hours=1)) == 1

        html = page(client, order_url(artist_order))
        assert Refund.objects.get().status == "succeeded"
        assert "succeeded" in refunds_table(html)
        assert "pending" not in refunds_table(html)

    def test_shows_a_declined_refund_as_failed_and_no_longer_counted(
        self, buyer, artist, monkeypatch, staff, django_capture_on_commit_callbacks
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="delivered")
        client = logged_in(buyer)
        monkeypatch.setattr(TestPaymentProvider, "refund_outage", True)
        with django_capture_on_commit_callbacks(execute=True):
            refund_create(
                artist_order=artist_order, amount="10.00", reason="staff", idempotency_key="goodwill:1", by=staff
            )
        html = page(client, order_url(artist_order))
        assert "pending" in refunds_table(html)
        assert 'data-testid="order-refunded">10.00 €<' in html

        monkeypatch.setattr(TestPaymentProvider, "refund_outage", False)
        monkeypatch.setattr(TestPaymentProvider, "refund_decline", True)
        order_jobs.retry_pending_refunds(now=timezone.now() + timedelta(hours=1))

        html = page(client, order_url(artist_order))
        assert Refund.objects.get().status == "failed"
        assert "failed" in refunds_table(html)
        assert not has(html, "order-refunded")


class TestOrderPageFollowsTheConversation:
    def test_shows_the_artists_message_in_the_timeline_then_hidden_by_staff(self, buyer, artist, staff):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        client = logged_in(buyer)
        assert "Glaze is drying" not in page(client, order_url(artist_order))

        posted(
            logged_in(artist.user).post(
                reverse("messaging:contact_order", args=[artist_order.pk]),
                {"body": "Glaze is drying, it leaves on Friday."},
            )
        )
        html = page(client, order_url(artist_order))
        assert "Glaze is drying, it leaves on Friday." in timeline(html)

        message = Message.objects.get(body__startswith="Glaze")
        posted(logged_in(staff).post(reverse("messaging:hide", args=[message.pk]), {"reason": "Test"}))

        html = page(client, order_url(artist_order))
        assert "Glaze is drying" not in html
        assert "This message was hidden by the marketplace team." in timeline(html)

    def test_shows_the_buyers_own_message_sent_from_the_conversation_page(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)
        page(client, order_url(artist_order))

        posted(client.post(reverse("messaging:contact_order", args=[artist_order.pk]), {"body": "Gift wrap, please?"}))

        assert "Gift wrap, please?" in timeline(page(client, order_url(artist_order)))


class TestOrderPageFollowsReturns:
    def test_shows_the_return_request_on_its_line_then_its_new_state(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="delivered", quantity=2)
        line = artist_order.lines.get()
        client = logged_in(buyer)
        html = page(client, order_url(artist_order))
        assert 'data-testid="line-return-request"' not in html
        assert has(html, "return-line")

        response = client.post(
            reverse("returns:create", args=[line.pk]), {"reason": "changed_mind", "quantity": "2", "kind": "return"}
        )
        posted(response)
        return_request = ReturnRequest.objects.get()
        html = page(client, order_url(artist_order))
        assert f"Return #{return_request.pk}" in line_return(html)
        assert "state-requested" in line_return(html)
        assert 'data-returnable="no"' in html  # both pieces are under the request

        posted(
            logged_in(artist.user).post(
                dashboard_action("return_accept", return_request),
                {"instructions": "Send it to 3 rue du Four, 69001 Lyon.", "ship_back_deadline": ""},
            )
        )
        html = page(client, order_url(artist_order))
        assert "state-accepted" in line_return(html)
        assert "state-requested" not in line_return(html)

        posted(client.post(reverse("returns:withdraw", args=[return_request.pk])))
        html = page(client, order_url(artist_order))
        assert "state-withdrawn" in line_return(html)
        assert 'data-returnable="yes"' in html

    def test_shows_a_return_expired_by_the_periodic_job(self, buyer, artist, settings):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="delivered")
        line = artist_order.lines.get()
        return_request = make_return(line=line, state="accepted", reason="changed_mind")
        client = logged_in(buyer)
        assert "state-accepted" in line_return(page(client, order_url(artist_order)))

        later = timezone.now() + timedelta(days=settings.RETURN_SHIP_BACK_DAYS + 1)
        assert return_jobs.expire_unshipped_returns(now=later) == 1

        assert ReturnRequest.objects.get(pk=return_request.pk).state == "expired"
        assert "state-expired" in line_return(page(client, order_url(artist_order)))


class TestOrderPageFollowsJobsAndStaff:
    def test_shows_the_order_refused_by_run_due_jobs_once_the_deadline_passed(
        self, buyer, artist, clock, django_capture_on_commit_callbacks
    ):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)
        page(client, order_url(artist_order))
        clock.move(hours=72, minutes=1)
        assert 'data-state="awaiting_acceptance"' in page(client, order_url(artist_order))

        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_due_jobs", stdout=io.StringIO())

        html = page(client, order_url(artist_order))
        assert 'data-state="refused"' in html
        assert "It is refunded in full." in html

    def test_shows_the_order_refused_by_the_acceptance_job_without_moving_the_clock(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)
        page(client, order_url(artist_order))

        assert order_jobs.refuse_overdue_acceptances(now=timezone.now() + timedelta(hours=73)) == 1

        assert 'data-state="refused"' in page(client, order_url(artist_order))

    def test_shows_the_delivery_confirmed_by_the_automatic_job(self, buyer, artist, settings):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        client = logged_in(buyer)
        page(client, order_url(artist_order))

        later = timezone.now() + timedelta(days=settings.AUTO_DELIVERY_DAYS + 1)
        assert order_jobs.auto_confirm_deliveries(now=later) == 1

        html = page(client, order_url(artist_order))
        assert 'data-state="delivered"' in html
        assert "Marked delivered automatically." in timeline(html)

    @pytest.mark.parametrize(
        ("action", "data", "state"),
        [("accept", {}, "accepted"), ("refuse", {"reason": "Duplicate order."}, "refused"), ("cancel", {"reason": "Asked by email."}, "cancelled")],
    )
    def test_shows_what_staff_did_with_the_admin_buttons(self, buyer, artist, staff, action, data, state):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)
        page(client, order_url(artist_order))

        url = reverse("admin:orders_artistorder_transition", kwargs={"object_id": artist_order.pk, "action": action})
        posted(logged_in(staff).post(url, data))

        assert ArtistOrder.objects.get(pk=artist_order.pk).state == state
        html = page(client, order_url(artist_order))
        assert f'data-state="{state}"' in html
        for note in data.values():
            assert note in html


class TestOrderPageFollowsTheClock:
    def test_offers_to_report_a_missing_parcel_once_the_expected_delay_is_over(self, buyer, artist, settings, clock):
        settings.NOT_RECEIVED_AFTER_DAYS = 3
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        client = logged_in(buyer)
        html = page(client, order_url(artist_order))
        assert has(html, "report-later")
        assert not has(html, "action-report-not-received")

        clock.move(days=2)
        assert not has(page(client, order_url(artist_order)), "action-report-not-received")

        clock.move(days=1, minutes=1)
        html = page(client, order_url(artist_order))
        assert has(html, "action-report-not-received")
        assert not has(html, "report-later")

    def test_says_the_dispatch_is_late_once_the_expected_date_has_passed(self, buyer, artist, clock):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted", dispatch_in_days=1)
        client = logged_in(buyer)
        assert not has(page(client, order_url(artist_order)), "delayed")

        clock.move(days=2)

        assert has(page(client, order_url(artist_order)), "delayed")

    def test_the_return_link_goes_once_the_legal_guarantee_is_over(self, buyer, artist, clock):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="delivered")
        client = logged_in(buyer)
        html = page(client, order_url(artist_order))
        assert 'data-returnable="yes"' in html
        assert has(html, "return-line")

        clock.move(days=729)  # a faulty piece can still come back
        assert 'data-returnable="yes"' in page(client, order_url(artist_order))

        clock.move(days=2)  # the two years of the legal guarantee are over
        html = page(client, order_url(artist_order))
        assert 'data-returnable="no"' in html
        assert has(html, "return-why-not")
        assert not has(html, "return-line")


# --- CSRF, language and who may see the page ----------------------------------------------


def cancel_form_token(html, artist_order) -> str:
    """The CSRF token of the form cancelling ``artist_order`` on the page."""
    action = re.escape(f'action="{buyer_action("cancel", artist_order)}">')
    found = re.search(action + r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no cancellation form on the page"
    return found.group(1)


class TestCsrfOfCachedForms:
    def test_two_sessions_of_one_buyer_each_get_their_own_working_token(self, buyer, artist, other_artist, renders):
        first = make_artist_order(buyer=buyer, artist=artist)
        second = make_artist_order(buyer=buyer, artist=other_artist, order=first.order)
        phone = logged_in(buyer, enforce_csrf_checks=True)
        laptop = logged_in(buyer, enforce_csrf_checks=True)

        phone_token = cancel_form_token(page(phone, order_url(first)), first)
        laptop_token = cancel_form_token(page(laptop, order_url(first)), first)

        assert renders["_order_detail_part"] == 1  # the laptop was served the cached body
        assert phone_token != laptop_token
        assert pagecache.CSRF_STAND_IN not in (phone_token, laptop_token)
        # The phone's token is not valid with the laptop's session.
        assert laptop.post(buyer_action("cancel", second), {"csrfmiddlewaretoken": phone_token}).status_code == 403
        assert ArtistOrder.objects.get(pk=second.pk).state == "awaiting_acceptance"

        response = laptop.post(buyer_action("cancel", second), {"csrfmiddlewaretoken": laptop_token, "reason": ""})
        assert response.status_code == 302
        response = phone.post(buyer_action("cancel", first), {"csrfmiddlewaretoken": phone_token, "reason": ""})
        assert response.status_code == 302
        assert set(ArtistOrder.objects.values_list("state", flat=True)) == {"cancelled"}

    def test_a_visitor_without_a_token_yet_gets_one_with_the_cached_page(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        page(logged_in(buyer), order_url(artist_order))  # cached by another session
        client = logged_in(buyer, enforce_csrf_checks=True)

        token = cancel_form_token(page(client, order_url(artist_order)), artist_order)

        assert "csrftoken" in client.cookies
        response = client.post(reverse("account:order_cancel", kwargs={"number": artist_order.order.number}), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert ArtistOrder.objects.get(pk=artist_order.pk).state == "cancelled"


class TestLanguage:
    def test_the_same_order_page_follows_the_language_the_buyer_chooses(self, buyer, artist, renders):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)
        english = page(client, order_url(artist_order))
        assert "Shipping address" in english and "Totals" in english
        assert "Adresse de livraison" not in english

        posted(client.post(reverse("accounts:set_language"), {"language": "fr", "next": order_url(artist_order)}))
        french = page(client, order_url(artist_order))

        assert '<html lang="fr">' in french
        assert "Adresse de livraison" in french and "Totaux" in french
        assert "Shipping address" not in french and "Totals" not in french
        assert "Waiting for the artist" not in french

        posted(client.post(reverse("accounts:set_language"), {"language": "en", "next": order_url(artist_order)}))
        assert "Shipping address" in page(client, order_url(artist_order))
        assert renders["_order_detail_part"] == 2  # English came back from the cache

    def test_a_french_buyer_and_an_english_buyer_session_of_one_order_each_read_their_language(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        english = logged_in(buyer)
        page(english, order_url(artist_order))
        french = logged_in(buyer)
        buyer.language = "fr"
        buyer.save(update_fields=["language"])

        assert "Adresse de livraison" in page(french, order_url(artist_order))
        assert "Adresse de livraison" in page(english, order_url(artist_order))  # the preference is the user's


class TestIsolation:
    def test_another_buyer_gets_a_404_for_a_cached_order_page(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        page(logged_in(buyer), order_url(artist_order))

        stranger = UserFactory(username="stranger")
        assert logged_in(stranger).get(order_url(artist_order)).status_code == 404
        assert logged_in(artist.user).get(order_url(artist_order)).status_code == 404
        anonymous = Client().get(order_url(artist_order))
        assert anonymous.status_code == 302 and "login" in anonymous.url

    def test_another_shop_never_sees_a_cached_dashboard(self, artist, other_artist, buyer):
        make_artist_order(buyer=buyer, artist=artist)
        assert has(page(logged_in(artist.user), HOME), "queue-to-accept")

        html = page(logged_in(other_artist.user), HOME)

        assert has(html, "queues-empty")
        assert artist.name not in html


# --- the dashboard home -------------------------------------------------------------------


def queue(html, name) -> str:
    """The queue ``name`` of the dashboard home ("" when it is not shown)."""
    marker = f'data-testid="{name}"'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


class TestDashboardHome:
    def test_a_new_paid_order_appears_to_accept_then_to_ship_once_accepted(self, artist, buyer_api, variant):
        client = logged_in(artist.user)
        assert has(page(client, HOME), "queues-empty")

        assert buyer_api.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1}, format="json").status_code == 201
        number = buyer_api.post("/api/v1/checkout/", checkout_body(), format="json").json()["number"]

        html = page(client, HOME)
        assert number in queue(html, "queue-to-accept")
        assert not has(html, "queues-empty")

        artist_order = ArtistOrder.objects.get(order__number=number)
        posted(client.post(dashboard_action("order_accept", artist_order)))
        html = page(client, HOME)
        assert not has(html, "queue-to-accept")
        assert number in queue(html, "queue-to-ship")

    def test_a_cancellation_request_appears(self, artist, buyer):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="accepted")
        client = logged_in(artist.user)
        assert not has(page(client, HOME), "queue-cancellation-requests")

        posted(logged_in(buyer).post(buyer_action("cancel", artist_order), {"reason": "Wrong colour."}))

        html = page(client, HOME)
        assert artist_order.order.number in queue(html, "queue-cancellation-requests")
        assert "Wrong colour." in html

    def test_a_parcel_reported_as_not_received_appears(self, artist, buyer, settings):
        settings.NOT_RECEIVED_AFTER_DAYS = 0
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="shipped")
        client = logged_in(artist.user)
        assert not has(page(client, HOME), "queue-not-received")

        posted(logged_in(buyer).post(buyer_action("report_not_received", artist_order), {"note": "Nothing yet."}))

        assert artist_order.order.number in queue(page(client, HOME), "queue-not-received")

    def test_a_buyer_cancelling_empties_the_queue(self, artist, buyer):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(artist.user)
        assert has(page(client, HOME), "queue-to-accept")

        posted(logged_in(buyer).post(buyer_action("cancel", artist_order), {"reason": ""}))

        assert has(page(client, HOME), "queues-empty")

    def test_a_return_request_appears_in_the_returns_block(self, artist, buyer):
        artist_order = make_artist_order(buyer=buyer, artist=artist, state="delivered")
        client = logged_in(artist.user)
        assert has(page(client, HOME), "return-queues-empty")

        posted(
            logged_in(buyer).post(
                reverse("returns:create", args=[artist_order.lines.get().pk]),
                {"reason": "wrong_size", "quantity": "1", "kind": "return"},
            )
        )

        html = page(client, HOME)
        assert not has(html, "return-queues-empty")
        assert f"Return #{ReturnRequest.objects.get().pk}" in html

    def test_the_out_of_stock_count_follows_the_stock(self, artist, variant):
        client = logged_in(artist.user)
        assert badge(page(client, HOME), "count-out-of-stock") == 0

        posted(client.post(reverse("dashboard:item_edit", args=[variant.item.pk]), {"action": "stock", "variant": variant.pk, "stock": "0"}))
        assert badge(page(client, HOME), "count-out-of-stock") == 1

        posted(client.post(reverse("dashboard:item_edit", args=[variant.item.pk]), {"action": "stock", "variant": variant.pk, "stock": "4"}))
        assert badge(page(client, HOME), "count-out-of-stock") == 0

    def test_a_buyer_taking_the_last_piece_counts_it_out_of_stock(self, artist, buyer_api):
        last = make_variant(artist, stock=1)
        client = logged_in(artist.user)
        assert badge(page(client, HOME), "count-out-of-stock") == 0

        buyer_api.post("/api/v1/cart/lines/", {"variant": last.pk, "quantity": 1}, format="json")
        assert buyer_api.post("/api/v1/checkout/", checkout_body(), format="json").status_code == 201

        assert Variant.objects.get(pk=last.pk).stock == 0
        assert badge(page(client, HOME), "count-out-of-stock") == 1

    def test_a_new_item_changes_the_item_count(self, artist, variant):
        client = logged_in(artist.user)
        assert badge(page(client, HOME), "count-items") == 1

        posted(client.post(reverse("dashboard:item_create"), {"title": "Moon jar", "price": "120", "stock": "1", "is_active": "on"}))

        assert badge(page(client, HOME), "count-items") == 2

    def test_the_holiday_notice_shows_once_set_and_goes_once_cleared(self, artist):
        client = logged_in(artist.user)
        assert "You are on holiday until" not in page(client, HOME)
        today = timezone.localdate()

        posted(
            client.post(
                reverse("dashboard:holiday"),
                {"start_date": str(today), "end_date": str(today + timedelta(days=10)), "message": "Back soon"},
            )
        )
        assert "You are on holiday until" in page(client, HOME)

        posted(client.post(reverse("dashboard:holiday"), {"action": "clear"}))
        assert "You are on holiday until" not in page(client, HOME)

    def test_the_pending_approval_notice_goes_once_staff_approve_the_shop(self, staff):
        artist = make_artist("newcomer", approved_at=None)
        client = logged_in(artist.user)
        assert has(page(client, HOME), "pending-approval")

        response = logged_in(staff).post(
            reverse("admin:artists_artist_changelist"),
            {"action": "approve_selected", "_selected_action": [artist.pk]},
        )
        posted(response)

        assert not has(page(client, HOME), "pending-approval")

    def test_the_unread_count_follows_the_buyer_writing_and_the_artist_reading(self, artist, buyer):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(artist.user)
        html = page(client, HOME)
        assert badge(html, "dashboard-unread") == 0
        assert badge(html, "shop-unread-messages") == 0

        posted(logged_in(buyer).post(reverse("messaging:contact_order", args=[artist_order.pk]), {"body": "Hello!"}))
        html = page(client, HOME)
        assert badge(html, "dashboard-unread") == 1
        assert badge(html, "shop-unread-messages") == 1
        assert badge(html, "unread-messages") == 1

        thread = Message.objects.get(body="Hello!").thread
        page(client, reverse("messaging:thread", args=[thread.pk]))
        html = page(client, HOME)
        assert badge(html, "dashboard-unread") == 0
        assert badge(html, "shop-unread-messages") == 0
        assert badge(html, "unread-messages") == 0

    def test_the_waiting_alerts_count_drops_once_the_back_in_stock_job_emails_them(self, artist, buyer):
        # Back in stock by a route that did not email the waiting buyer (the
        # job is the backstop for those).
        restocked = VariantFactory(item__artist=artist, stock=3)
        StockAlert.objects.create(user=buyer, variant=restocked)
        client = logged_in(artist.user)
        assert waiting_alerts(page(client, HOME)) == 1

        assert send_back_in_stock_alerts() == 1

        assert waiting_alerts(page(client, HOME)) == 0

    def test_a_buyer_asking_for_a_restock_alert_adds_to_the_waiting_count(self, artist, buyer):
        sold_out = VariantFactory(item__artist=artist, stock=0)
        client = logged_in(artist.user)
        assert waiting_alerts(page(client, HOME)) == 0

        posted(logged_in(buyer).post(reverse("catalog:stock_alert", args=[sold_out.item.pk]), {"variant": sold_out.pk}))

        assert StockAlert.objects.filter(variant=sold_out).exists()
        assert waiting_alerts(page(client, HOME)) == 1

    def test_the_reply_time_shows_once_the_artist_answers_a_buyer(self, artist, buyer):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        posted(logged_in(buyer).post(reverse("messaging:contact_order", args=[artist_order.pk]), {"body": "Hello?"}))
        client = logged_in(artist.user)
        assert re.search(r'data-testid="reply-time">\s*—', page(client, HOME))

        thread = Message.objects.get(body="Hello?").thread
        posted(client.post(reverse("messaging:thread", args=[thread.pk]), {"body": "Hello! How can I help?"}))

        assert re.search(r'data-testid="reply-time">\s*1 minute', page(client, HOME))

    def test_the_deadline_flag_turns_to_passed_as_time_goes_by(self, artist, buyer, clock):
        make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(artist.user)
        assert "left to accept" in queue(page(client, HOME), "queue-to-accept")

        clock.move(hours=72, minutes=1)

        html = queue(page(client, HOME), "queue-to-accept")
        assert "deadline passed: about to be refused" in html
        assert "left to accept" not in html


# --- the header counts ----------------------------------------------------------------------


CATALOG = reverse("catalog:home")


class TestHeaderCartBadge:
    @pytest.mark.parametrize("who", ["anonymous", "buyer"])
    def test_follows_adding_changing_and_removing_lines(self, who, buyer, variant):
        client = Client() if who == "anonymous" else logged_in(buyer)
        assert badge(page(client, CATALOG), "cart-size") == 0

        client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
        assert badge(page(client, CATALOG), "cart-size") == 2
        line = CartLine.objects.get()

        client.post(reverse("cart:line_update", args=[line.pk]), {"quantity": 3})
        assert badge(page(client, CATALOG), "cart-size") == 3

        client.post(reverse("cart:line_remove", args=[line.pk]))
        assert badge(page(client, CATALOG), "cart-size") == 0

    def test_is_empty_after_checkout(self, buyer, variant):
        client = logged_in(buyer)
        client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
        assert badge(page(client, CATALOG), "cart-size") == 1

        form = client.get(reverse("cart:checkout")).context["payment_form"]
        response = client.post(
            reverse("cart:checkout"),
            {
                **ADDRESS,
                "provider": "test",
                "token": "ok",
                "checkout_key": form.initial["checkout_key"],
                "expected_total": form.initial["expected_total"],
            },
        )
        posted(response)

        assert badge(page(client, CATALOG), "cart-size") == 0

    def test_counts_what_an_anonymous_cart_brought_at_login(self, buyer, variant):
        laptop = logged_in(buyer)
        laptop.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
        assert badge(page(laptop, CATALOG), "cart-size") == 1
        other = make_variant(variant.item.artist)

        phone = Client()
        phone.post(reverse("cart:add"), {"variant": other.pk, "quantity": 2})
        posted(phone.post(reverse("accounts:login"), {"username": buyer.username, "password": "correct-horse-battery"}))

        assert badge(page(laptop, CATALOG), "cart-size") == 3
        assert badge(page(phone, CATALOG), "cart-size") == 3

    def test_the_cart_of_one_visitor_never_shows_in_another_visitors_header(self, buyer, variant):
        client = logged_in(buyer)
        client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
        assert badge(page(client, CATALOG), "cart-size") == 2

        assert badge(page(Client(), CATALOG), "cart-size") == 0
        assert badge(page(logged_in(UserFactory(username="other")), CATALOG), "cart-size") == 0


class TestHeaderUnreadBadge:
    def test_follows_a_new_message_and_reading_it(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)
        assert badge(page(client, order_url(artist_order)), "unread-messages") == 0

        posted(
            logged_in(artist.user).post(
                reverse("messaging:contact_order", args=[artist_order.pk]), {"body": "Which colour?"}
            )
        )
        assert badge(page(client, order_url(artist_order)), "unread-messages") == 1
        assert badge(page(client, CATALOG), "unread-messages") == 1

        thread = Message.objects.get(body="Which colour?").thread
        page(client, reverse("messaging:thread", args=[thread.pk]))

        assert badge(page(client, order_url(artist_order)), "unread-messages") == 0
        assert badge(page(client, CATALOG), "unread-messages") == 0

    def test_follows_a_second_message_in_a_thread_already_read(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        artist_client, client = logged_in(artist.user), logged_in(buyer)
        contact = reverse("messaging:contact_order", args=[artist_order.pk])
        posted(artist_client.post(contact, {"body": "First."}))
        thread = Message.objects.get(body="First.").thread
        page(client, reverse("messaging:thread", args=[thread.pk]))  # creates the read state
        assert badge(page(client, CATALOG), "unread-messages") == 0

        posted(artist_client.post(reverse("messaging:thread", args=[thread.pk]), {"body": "Second."}))
        assert badge(page(client, CATALOG), "unread-messages") == 1

        page(client, reverse("messaging:thread", args=[thread.pk]))  # moves the read state on
        assert badge(page(client, CATALOG), "unread-messages") == 0

    def test_counts_the_system_message_of_an_artist_action(self, buyer, artist):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        client = logged_in(buyer)
        assert badge(page(client, CATALOG), "unread-messages") == 0

        posted(logged_in(artist.user).post(dashboard_action("order_accept", artist_order)))

        assert badge(page(client, CATALOG), "unread-messages") == 1

    def test_a_message_hidden_by_staff_no_longer_counts(self, buyer, artist, staff):
        artist_order = make_artist_order(buyer=buyer, artist=artist)
        posted(
            logged_in(artist.user).post(reverse("messaging:contact_order", args=[artist_order.pk]), {"body": "Rude words"})
        )
        client = logged_in(buyer)
        assert badge(page(client, CATALOG), "unread-messages") == 1

        message = Message.objects.get(body="Rude words")
        posted(logged_in(staff).post(reverse("messaging:hide", args=[message.pk]), {"reason": "Rude"}))

        assert badge(page(client, CATALOG), "unread-messages") == 0

