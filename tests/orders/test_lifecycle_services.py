"""The artist order lifecycle services: every transition with its history,
refund, stock and emails, who may run it, and what it refuses."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from marketplace.errors import Conflict, DomainError
from marketplace.notifications.models import Notification
from orders.models import (
    ArtistOrder,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    NotReceivedReport,
    NotReceivedStatus,
    Refund,
    RefundReason,
    RefundStatus,
)
from orders.rules import allowed_actions, is_shipping_overdue, not_received_available_at
from orders.services import (
    artist_order_accept,
    artist_order_cancel,
    artist_order_complete,
    artist_order_confirm_delivery,
    artist_order_refund_lost,
    artist_order_refuse,
    artist_order_report_not_received,
    artist_order_reship,
    artist_order_ship,
    order_cancel,
)
from orders.tracking import tracking_url
from tests.factories import UserFactory

from .factories import make_artist, make_variant
from .lifecycle_factories import paid_artist_order, place_order

S = ArtistOrderState


@pytest.fixture
def buyer(db):
    return UserFactory(username="camille", email="camille@example.com", language="fr")


@pytest.fixture
def artist(db):
    return make_artist("potter")


@pytest.fixture
def staff(db):
    return UserFactory(username="support", email="support@example.com", is_staff=True)


@pytest.fixture
def other_buyer(db):
    return UserFactory(username="intruder", email="intruder@example.com")


@pytest.fixture
def other_artist(db):
    return make_artist("weaver")


@pytest.fixture
def placed(buyer, artist, mailoutbox):
    """An artist order awaiting acceptance (2 × 45 € + 5 € shipping) and its
    variant, 3 left in stock; the checkout emails are cleared."""
    artist_order, variant = paid_artist_order(
        buyer=buyer, artist=artist, price="45.00", quantity=2, stock=5
    )
    mailoutbox.clear()
    return artist_order, variant


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


class TestAccept:
    def test_accepting_moves_to_accepted_with_history_and_tells_the_buyer_in_french(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, _variant = placed

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_accept(artist_order=artist_order, by=artist.user)

        artist_order = fresh(artist_order)
        assert artist_order.state == S.ACCEPTED
        assert artist_order.accepted_at is not None
        event = artist_order.history.last()
        assert (event.from_state, event.to_state, event.transition, event.by) == (
            S.AWAITING_ACCEPTANCE,
            S.ACCEPTED,
            "accept",
            artist.user,
        )
        [email] = emails_to(mailoutbox, buyer.email)
        assert artist_order.order.number in email.subject
        assert Notification.objects.get(event="order_accepted").language == "fr"

    def test_accepting_twice_is_a_conflict_with_the_current_state(self, placed, artist):
        artist_order, _variant = placed
        artist_order_accept(artist_order=artist_order, by=artist.user)

        with pytest.raises(Conflict) as error:
            artist_order_accept(artist_order=artist_order, by=artist.user)

        assert error.value.state == S.ACCEPTED
        assert fresh(artist_order).history.filter(transition="accept").count() == 1

    @pytest.mark.parametrize("who", ["buyer", "other_artist", "other_buyer"])
    def test_only_the_artist_or_staff_may_accept(self, placed, who, request):
        artist_order, _variant = placed

        person = request.getfixturevalue(who)
        user = getattr(person, "user", person)

        with pytest.raises(PermissionDenied):
            artist_order_accept(artist_order=artist_order, by=user)

        assert fresh(artist_order).state == S.AWAITING_ACCEPTANCE

    def test_staff_may_accept_for_the_artist(self, placed, staff):
        artist_order, _variant = placed

        artist_order_accept(artist_order=artist_order, by=staff)

        assert fresh(artist_order).state == S.ACCEPTED
        assert fresh(artist_order).history.last().by == staff


class TestRefuse:
    @pytest.mark.parametrize("accept_first", [False, True])
    def test_refusing_refunds_items_and_shipping_at_once_puts_stock_back_and_emails_the_buyer(
        self,
        placed,
        artist,
        buyer,
        accept_first,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        artist_order, variant = placed
        if accept_first:
            accepted(artist_order, artist)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="The kiln broke."
            )

        artist_order = fresh(artist_order)
        assert artist_order.state == S.REFUSED
        assert artist_order.refusal_reason == "The kiln broke."
        [refund] = artist_order.refunds.all()
        assert (refund.amount, refund.reason, refund.status) == (
            Decimal("95.00"),
            RefundReason.REFUSAL,
            RefundStatus.SUCCEEDED,
        )
        assert refund.idempotency_key == f"refusal:{artist_order.pk}"
        assert refund.provider_reference.startswith("test_re_")
        assert artist_order.refunded == Decimal("95.00")
        variant.refresh_from_db()
        assert variant.stock == 5
        [email] = emails_to(mailoutbox, buyer.email)
        assert "95,00 €" in email.body  # written as French pages write it
        assert "The kiln broke." in email.body
        assert artist_order.history.last().transition == "refuse"

    def test_a_refusal_needs_a_reason_and_changes_nothing_without_one(
        self, placed, artist
    ):
        artist_order, variant = placed

        with pytest.raises(DomainError) as error:
            artist_order_refuse(artist_order=artist_order, by=artist.user, reason="   ")

        assert error.value.field == "reason"
        assert fresh(artist_order).state == S.AWAITING_ACCEPTANCE
        assert not Refund.objects.exists()
        variant.refresh_from_db()
        assert variant.stock == 3

    def test_refusing_twice_is_a_conflict_and_refunds_once(self, placed, artist):
        artist_order, _variant = placed
        artist_order_refuse(
            artist_order=artist_order, by=artist.user, reason="Sold out."
        )

        with pytest.raises(Conflict) as error:
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="Sold out."
            )

        assert error.value.state == S.REFUSED
        assert Refund.objects.count() == 1

    def test_a_shipped_order_cannot_be_refused(self, placed, artist):
        artist_order, _variant = placed
        shipped(artist_order, artist)

        with pytest.raises(Conflict) as error:
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="Too late."
            )

        assert error.value.state == S.SHIPPED
        assert not Refund.objects.exists()

    def test_the_buyer_cannot_refuse_their_own_order(self, placed, buyer):
        artist_order, _variant = placed

        with pytest.raises(PermissionDenied):
            artist_order_refuse(artist_order=artist_order, by=buyer, reason="No.")

        assert fresh(artist_order).state == S.AWAITING_ACCEPTANCE


class TestCancel:
    def test_cancelling_before_acceptance_is_instant_refunded_restocked_and_both_told(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, variant = placed

        with django_capture_on_commit_callbacks(execute=True):
            outcome = artist_order_cancel(
                artist_order=artist_order, by=buyer, reason="Ordered twice."
            )

        assert outcome == "cancelled"
        artist_order = fresh(artist_order)
        assert artist_order.state == S.CANCELLED
        [refund] = artist_order.refunds.all()
        assert (refund.amount, refund.reason, refund.status) == (
            Decimal("95.00"),
            RefundReason.CANCELLATION,
            RefundStatus.SUCCEEDED,
        )
        variant.refresh_from_db()
        assert variant.stock == 5
        assert len(emails_to(mailoutbox, buyer.email)) == 1
        [artist_email] = emails_to(mailoutbox, artist.user.email)
        assert "Ordered twice." in artist_email.body
        assert "order_cancelled_by_buyer" in events_to(artist.user)

    def test_cancelling_an_accepted_order_files_a_request_and_emails_the_artist(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, variant = placed
        accepted(artist_order, artist)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            outcome = artist_order_cancel(
                artist_order=artist_order, by=buyer, reason="Changed my mind."
            )

        assert outcome == "requested"
        assert fresh(artist_order).state == S.ACCEPTED
        request = CancellationRequest.objects.get(artist_order=artist_order)
        assert (request.status, request.requested_by, request.reason) == (
            CancellationStatus.OPEN,
            buyer,
            "Changed my mind.",
        )
        [email] = emails_to(mailoutbox, artist.user.email)
        assert "Changed my mind." in email.body
        assert not Refund.objects.exists()
        variant.refresh_from_db()
        assert variant.stock == 3

    def test_a_second_request_while_one_is_open_is_a_conflict(
        self, placed, artist, buyer
    ):
        artist_order, _variant = placed
        accepted(artist_order, artist)
        artist_order_cancel(artist_order=artist_order, by=buyer)

        with pytest.raises(Conflict) as error:
            artist_order_cancel(artist_order=artist_order, by=buyer)

        assert error.value.state == S.ACCEPTED
        assert CancellationRequest.objects.count() == 1

    def test_the_artist_refusing_resolves_the_request_as_accepted_and_refunds(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, variant = placed
        accepted(artist_order, artist)
        artist_order_cancel(artist_order=artist_order, by=buyer)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="As you asked."
            )

        request = CancellationRequest.objects.get(artist_order=artist_order)
        assert request.status == CancellationStatus.ACCEPTED
        assert request.resolved_at is not None
        assert fresh(artist_order).refunds.get().status == RefundStatus.SUCCEEDED
        [email] = emails_to(mailoutbox, buyer.email)
        assert (
            "demande d'annulation a été acceptée" in email.body
        )  # the buyer reads French
        variant.refresh_from_db()
        assert variant.stock == 5

    def test_the_artist_shipping_first_declines_the_request_and_points_the_buyer_to_returns(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, _variant = placed
        accepted(artist_order, artist)
        artist_order_cancel(artist_order=artist_order, by=buyer)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_ship(
                artist_order=artist_order,
                by=artist.user,
                carrier="Chronopost",
                tracking_number="XY123",
            )

        request = CancellationRequest.objects.get(artist_order=artist_order)
        assert request.status == CancellationStatus.DECLINED
        buyer_emails = emails_to(mailoutbox, buyer.email)
        assert len(buyer_emails) == 2
        declined = next(m for m in buyer_emails if "avait déjà expédié" in m.subject)
        assert "demander un retour" in declined.body  # the buyer reads French
        assert not Refund.objects.exists()

    @pytest.mark.parametrize("state_maker", ["shipped", "refused"])
    def test_shipped_or_refused_orders_cannot_be_cancelled(
        self, placed, artist, buyer, state_maker
    ):
        artist_order, _variant = placed
        if state_maker == "shipped":
            shipped(artist_order, artist)
        else:
            artist_order_refuse(
                artist_order=artist_order, by=artist.user, reason="No clay."
            )

        with pytest.raises(Conflict) as error:
            artist_order_cancel(artist_order=artist_order, by=buyer)

        assert error.value.state == fresh(artist_order).state
        assert not CancellationRequest.objects.exists()

    def test_another_buyer_cannot_cancel(self, placed, other_buyer):
        artist_order, _variant = placed

        with pytest.raises(PermissionDenied):
            artist_order_cancel(artist_order=artist_order, by=other_buyer)

        assert fresh(artist_order).state == S.AWAITING_ACCEPTANCE


class TestOrderCancel:
    @pytest.fixture
    def three_parts(self, buyer, artist, other_artist, mailoutbox):
        smith = make_artist("smith")
        order = place_order(
            buyer,
            (make_variant(artist, price="20.00"), 1),
            (make_variant(other_artist, price="30.00"), 1),
            (make_variant(smith, price="12.00"), 1),
        )
        waiting = order.artist_orders.get(artist=artist)
        to_request = order.artist_orders.get(artist=other_artist)
        gone = order.artist_orders.get(artist=smith)
        accepted(to_request, other_artist)
        shipped(gone, smith)
        mailoutbox.clear()
        return order, waiting, to_request, gone

    def test_cancel_my_order_cancels_what_waits_requests_what_is_accepted_and_leaves_what_shipped(
        self, three_parts, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        order, waiting, to_request, gone = three_parts

        with django_capture_on_commit_callbacks(execute=True):
            outcomes = order_cancel(order=order, by=buyer, reason="Moving abroad.")

        assert outcomes == {waiting.pk: "cancelled", to_request.pk: "requested"}
        assert fresh(waiting).state == S.CANCELLED
        assert fresh(waiting).refunded == Decimal("25.00")
        assert (
            fresh(to_request).cancellation_requests.get().status
            == CancellationStatus.OPEN
        )
        assert fresh(gone).state == S.SHIPPED
        assert not fresh(gone).refunds.exists()
        assert {m.to[0] for m in mailoutbox} == {
            buyer.email,
            waiting.artist.user.email,
            to_request.artist.user.email,
        }

    def test_cancel_my_order_again_is_a_conflict_when_nothing_more_can_be_cancelled(
        self, three_parts, buyer
    ):
        order, *_parts = three_parts
        order_cancel(order=order, by=buyer)

        with pytest.raises(Conflict) as error:
            order_cancel(order=order, by=buyer)

        assert error.value.state == "partially_refunded"

    def test_only_the_buyer_may_cancel_the_order(self, three_parts, other_buyer):
        order, waiting, *_parts = three_parts

        with pytest.raises(PermissionDenied):
            order_cancel(order=order, by=other_buyer)

        assert fresh(waiting).state == S.AWAITING_ACCEPTANCE


class TestShipAndDeliver:
    def test_shipping_stores_the_tracking_and_emails_the_buyer_a_tracking_link(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, _variant = placed
        accepted(artist_order, artist)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_ship(
                artist_order=artist_order,
                by=artist.user,
                carrier=" Colissimo ",
                tracking_number="6A123",
            )

        artist_order = fresh(artist_order)
        assert (
            artist_order.state,
            artist_order.carrier,
            artist_order.tracking_number,
        ) == (S.SHIPPED, "Colissimo", "6A123")
        assert artist_order.shipped_at is not None
        [email] = emails_to(mailoutbox, buyer.email)
        assert (
            "https://www.laposte.fr/outils/suivre-vos-envois?code=6A123" in email.body
        )

    def test_shipping_needs_a_carrier_and_a_tracking_number(self, placed, artist):
        artist_order, _variant = placed
        accepted(artist_order, artist)

        with pytest.raises(DomainError) as error:
            artist_order_ship(
                artist_order=artist_order,
                by=artist.user,
                carrier="",
                tracking_number=" ",
            )

        assert set(error.value.as_field_errors()) == {"carrier", "tracking_number"}
        assert fresh(artist_order).state == S.ACCEPTED

    def test_an_order_not_yet_accepted_cannot_be_shipped(self, placed, artist):
        artist_order, _variant = placed

        with pytest.raises(Conflict) as error:
            artist_order_ship(
                artist_order=artist_order,
                by=artist.user,
                carrier="DHL",
                tracking_number="1",
            )

        assert error.value.state == S.AWAITING_ACCEPTANCE

    def test_the_buyer_confirms_delivery_and_is_told_until_when_returns_are_open(
        self, placed, artist, buyer, mailoutbox, django_capture_on_commit_callbacks
    ):
        artist_order, _variant = placed
        shipped(artist_order, artist)
        mailoutbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_confirm_delivery(artist_order=artist_order, by=buyer)

        artist_order = fresh(artist_order)
        assert artist_order.state == S.DELIVERED
        assert artist_order.delivered_at is not None
        assert artist_order.history.last().by == buyer
        [email] = emails_to(mailoutbox, buyer.email)
        assert "demander un retour" in email.body  # the buyer reads French

    def test_the_artist_cannot_confirm_delivery_for_the_buyer(self, placed, artist):
        artist_order, _variant = placed
        shipped(artist_order, artist)

        with pytest.raises(PermissionDenied):
            artist_order_confirm_delivery(artist_order=artist_order, by=artist.user)

        assert fresh(artist_order).state == S.SHIPPED

    def test_completing_needs_a_delivered_order(self, placed, artist, buyer):
        artist_order, _variant = placed
        shipped(artist_order, artist)

        with pytest.raises(Conflict):
            artist_order_complete(artist_order=artist_order)
        artist_order_confirm_delivery(artist_order=artist_order, by=buyer)
        artist_order_complete(artist_order=artist_order)

        assert fresh(artist_order).state == S.COMPLETED
        assert fresh(artist_order).closed_at is not None


class TestNotReceived:
    @pytest.fixture
    def in_transit(self, placed, artist, mailoutbox, settings):
        settings.NOT_RECEIVED_AFTER_DAYS = 0.5
        artist_order, _variant = placed
        shipped(artist_order, artist)
        mailoutbox.clear()
        return artist_order

    def make_late(self, artist_order, hours=13):
        ArtistOrder.objects.filter(pk=artist_order.pk).update(
            shipped_at=timezone.now() - timedelta(hours=hours)
        )

    def test_a_parcel_cannot_be_reported_before_the_expected_delivery(
        self, in_transit, buyer
    ):
        with pytest.raises(Conflict) as error:
            artist_order_report_not_received(artist_order=in_transit, by=buyer)

        assert error.value.state == S.SHIPPED
        assert "from" in str(error.value)
        assert not NotReceivedReport.objects.exists()

    def test_reporting_a_late_parcel_emails_the_artist_and_only_once(
        self, in_transit, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        self.make_late(in_transit)

        with django_capture_on_commit_callbacks(execute=True):
            report = artist_order_report_not_received(
                artist_order=in_transit, by=buyer, note="Nothing came."
            )
        with pytest.raises(Conflict):
            artist_order_report_not_received(artist_order=in_transit, by=buyer)

        assert report.status == NotReceivedStatus.OPEN
        [email] = emails_to(mailoutbox, artist.user.email)
        assert "Nothing came." in email.body
        assert NotReceivedReport.objects.count() == 1

    def test_the_artist_ships_again_with_a_new_tracking_number(
        self, in_transit, buyer, artist, mailoutbox, django_capture_on_commit_callbacks
    ):
        self.make_late(in_transit)
        report = artist_order_report_not_received(artist_order=in_transit, by=buyer)

        with django_capture_on_commit_callbacks(execute=True):
            artist_order_reship(
                artist_order=in_transit,
                by=artist.user,
                carrier="DHL",
                tracking_number="NEW42",
            )

        artist_order = fresh(in_transit)
        assert (
            artist_order.state,
            artist_order.carrier,
            artist_order.tracking_number,
        ) == (S.SHIPPED, "DHL", "NEW42")
        assert artist_order.shipped_at > timezone.now() - timedelta(minutes=1)
        report.refresh_from_db()
        assert (report.status, report.resolved_by) == (
            NotReceivedStatus.RESHIPPED,
            artist.user,
        )
        assert artist_order.history.last().transition == "reship"
        [email] = emails_to(mailoutbox, buyer.email)
        assert "NEW42" in email.body

    def test_staff_refunds_a_lost_parcel_in_full_and_closes_the_order(
        self, in_transit, buyer, staff, mailoutbox, django_capture_on_commit_callbacks
    ):
        self.make_late(in_transit)
        artist_order_report_not_received(artist_order=in_transit, by=buyer)

        with django_capture_on_commit_callbacks(execute=True):
            refund = artist_order_refund_lost(artist_order=in_transit, by=staff)

        refund.refresh_from_db()
        assert (refund.amount, refund.reason, refund.status) == (
            Decimal("95.00"),
            RefundReason.LOST_PARCEL,
            RefundStatus.SUCCEEDED,
        )
        artist_order = fresh(in_transit)
        assert artist_order.state == S.COMPLETED
        assert (
            artist_order.not_received_reports.get().status == NotReceivedStatus.REFUNDED
        )
        [email] = emails_to(mailoutbox, buyer.email)
        assert "95,00 €" in email.body  # written as French pages write it

    def test_reship_and_refund_need_an_open_report(self, in_transit, artist):
        with pytest.raises(Conflict):
            artist_order_reship(
                artist_order=in_transit,
                by=artist.user,
                carrier="DHL",
                tracking_number="1",
            )
        with pytest.raises(Conflict):
            artist_order_refund_lost(artist_order=in_transit, by=artist.user)

        assert not Refund.objects.exists()

    def test_not_received_is_available_after_the_fractional_delay(self, in_transit):
        available_at = not_received_available_at(fresh(in_transit))

        assert available_at == fresh(in_transit).shipped_at + timedelta(hours=12)


class TestAllowedActions:
    def test_each_person_sees_only_their_actions_in_each_state(
        self, placed, buyer, artist, other_artist, other_buyer, staff, settings
    ):
        settings.NOT_RECEIVED_AFTER_DAYS = 0
        artist_order, _variant = placed

        def actions(user):
            return allowed_actions(artist_order=fresh(artist_order), user=user)

        assert actions(buyer) == {"cancel"}
        assert actions(artist.user) == {"accept", "refuse"}
        assert actions(staff) == {"accept", "refuse"}
        assert actions(other_buyer) == set()
        assert actions(other_artist.user) == set()

        accepted(artist_order, artist)
        assert actions(buyer) == {"request_cancellation"}
        assert actions(artist.user) == {"refuse", "ship"}
        artist_order_cancel(artist_order=artist_order, by=buyer)
        assert actions(buyer) == set()

        artist_order_ship(
            artist_order=artist_order,
            by=artist.user,
            carrier="UPS",
            tracking_number="1Z",
        )
        assert actions(buyer) == {"confirm_delivery", "report_not_received"}
        assert actions(artist.user) == set()
        artist_order_report_not_received(artist_order=artist_order, by=buyer)
        assert actions(buyer) == {"confirm_delivery"}
        assert actions(artist.user) == {"reship", "refund_lost"}
        assert actions(other_artist.user) == set()

        artist_order_confirm_delivery(artist_order=artist_order, by=buyer)
        assert actions(buyer) == set()
        assert actions(artist.user) == set()

    def test_a_parcel_is_reportable_only_after_the_delay(
        self, placed, buyer, artist, settings
    ):
        settings.NOT_RECEIVED_AFTER_DAYS = 14
        artist_order, _variant = placed
        shipped(artist_order, artist)

        assert allowed_actions(artist_order=fresh(artist_order), user=buyer) == {
            "confirm_delivery"
        }
        later = timezone.now() + timedelta(days=14, minutes=1)
        assert "report_not_received" in allowed_actions(
            artist_order=fresh(artist_order), user=buyer, now=later
        )


class TestShippingOverdue:
    def test_an_order_not_shipped_by_its_dispatch_date_is_overdue(self, placed, artist):
        artist_order, _variant = placed
        today = timezone.localdate()
        ArtistOrder.objects.filter(pk=artist_order.pk).update(
            dispatch_date=today - timedelta(days=1)
        )

        assert is_shipping_overdue(fresh(artist_order))
        shipped(artist_order, artist)
        assert not is_shipping_overdue(fresh(artist_order))

    def test_an_order_due_today_is_not_overdue(self, placed):
        artist_order, _variant = placed
        ArtistOrder.objects.filter(pk=artist_order.pk).update(
            dispatch_date=timezone.localdate()
        )

        assert not is_shipping_overdue(fresh(artist_order))


class TestTrackingLinks:
    @pytest.mark.parametrize(
        ("carrier", "expected"),
        [
            (
                "La Poste",
                "https://www.laposte.fr/outils/suivre-vos-envois?code=AB%2012",
            ),
            (
                "colissimo",
                "https://www.laposte.fr/outils/suivre-vos-envois?code=AB%2012",
            ),
            (
                "Chronopost Express",
                "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=AB%2012",
            ),
            (
                "DHL Express",
                "https://www.dhl.com/fr-en/home/tracking.html?tracking-id=AB%2012",
            ),
            (
                "Mondial Relay",
                "https://www.mondialrelay.fr/suivi-de-colis/?numeroExpedition=AB%2012",
            ),
            (
                "Royal Mail",
                "https://www.royalmail.com/track-your-item#/tracking-results/AB%2012",
            ),
        ],
    )
    def test_known_carriers_get_their_tracking_page(self, carrier, expected):
        assert tracking_url(carrier, "AB 12") == expected

    def test_an_unknown_carrier_or_no_number_gives_no_link(self):
        assert tracking_url("My cousin's van", "123") is None
        assert tracking_url("DHL", "") is None
        assert tracking_url("groups of friends", "1") is None
