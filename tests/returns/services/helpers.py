"""Helpers of the return request service tests: each transition's service
call made by the person it belongs to (``_accept`` ... ``_staff_close``),
the people of a request, a request read back from the database and the
emails sent to one address."""

from returns import services
from returns.models import ReturnRequest

from ..factories import staff_user


def emails_of(mailoutbox, address):
    return [mail for mail in mailoutbox if address in mail.to]


def fresh(rr) -> ReturnRequest:
    return ReturnRequest.objects.select_related(
        "artist_order__order", "artist_order__artist__user", "line", "buyer"
    ).get(pk=rr.pk)


# The service call of each transition, made by the person it belongs to.
def _accept(rr, actors):
    services.return_request_accept(
        return_request=rr,
        by=actors["artist"],
        instructions="Atelier, 3 rue du Four, Lyon",
    )


def _reject(rr, actors):
    services.return_request_reject(
        return_request=rr, by=actors["artist"], reason="Worn."
    )


def _ship_back(rr, actors):
    services.return_request_ship_back(
        return_request=rr,
        by=actors["buyer"],
        carrier="La Poste",
        tracking_number="8R42",
    )


def _receive(rr, actors):
    services.return_request_receive(return_request=rr, by=actors["artist"])


def _refund(rr, actors):
    services.return_request_refund(return_request=rr, by=actors["artist"])


def _ship_replacement(rr, actors):
    services.return_request_ship_replacement(
        return_request=rr,
        by=actors["artist"],
        carrier="La Poste",
        tracking_number="8R43",
    )


def _convert(rr, actors):
    services.return_request_convert_to_refund(return_request=rr, by=actors["artist"])


def _escalate(rr, actors):
    services.return_request_escalate(
        return_request=rr, by=actors["buyer"], message="Unfair."
    )


def _withdraw(rr, actors):
    services.return_request_withdraw(return_request=rr, by=actors["buyer"])


def _expire(rr, actors):
    from datetime import timedelta

    from django.utils import timezone

    services.return_request_expire(
        return_request=rr, now=timezone.now() + timedelta(days=60)
    )


def _staff_accept(rr, actors):
    services.return_request_staff_decide(
        return_request=rr,
        by=actors["staff"],
        decision="accept",
        instructions="Send it to us.",
    )


def _staff_refund(rr, actors):
    services.return_request_staff_decide(
        return_request=rr, by=actors["staff"], decision="refund"
    )


def _staff_close(rr, actors):
    services.return_request_staff_decide(
        return_request=rr, by=actors["staff"], decision="close", note="Used for months."
    )


def _actors(rr):
    return {
        "buyer": rr.buyer,
        "artist": rr.artist_order.artist.user,
        "staff": staff_user(),
    }
