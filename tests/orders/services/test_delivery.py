"""The artist order lifecycle services, shipping and delivery: shipping,
confirming delivery and completing; the parcel not received (report,
reship, refund of a lost parcel); orders not shipped on time; tracking
links."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from marketplace.errors import Conflict, DomainError
from orders.models import (
    ArtistOrder,
    NotReceivedReport,
    NotReceivedStatus,
    Refund,
    RefundReason,
    RefundStatus,
)
from orders.rules import is_shipping_overdue, not_received_available_at
from orders.services import (
    artist_order_complete,
    artist_order_confirm_delivery,
    artist_order_refund_lost,
    artist_order_report_not_received,
    artist_order_reship,
    artist_order_ship,
)
from orders.tracking import tracking_url

from .helpers import S, accepted, emails_to, fresh, shipped


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
        # The delivery notice, and the invitation to review the pieces.
        delivered, invitation = sorted(
            emails_to(mailoutbox, buyer.email), key=lambda m: "livrée" not in m.subject
        )
        assert "demander un retour" in delivered.body  # the buyer reads French
        assert invitation.subject.startswith("Comment s'est passée votre commande")

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
