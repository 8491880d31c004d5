"""Factories and helpers of the returns tests: delivered lines and return
requests brought to any state through the services, as real ones are."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from orders.models import ArtistOrder, OrderLine
from returns import services
from returns.models import ReturnRequest
from tests.factories import UserFactory
from tests.orders.factories import make_artist, make_artist_order, make_variant

__all__ = [
    "jpeg_upload",
    "make_artist",
    "make_line",
    "make_return",
    "make_variant",
    "staff_user",
]


def jpeg_upload(name="damage.jpg", *, size=(64, 48), exif=None, fmt="JPEG"):
    """A real photo upload (JPEG by default), with ``exif`` written in."""
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (150, 60, 30))
    if exif is not None:
        image.save(buffer, fmt, exif=exif)
    else:
        image.save(buffer, fmt)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def staff_user(username="support", **kwargs):
    return UserFactory(username=username, is_staff=True, **kwargs)


def make_line(
    *,
    buyer,
    artist,
    quantity=2,
    price="24.00",
    state="delivered",
    delivered_days_ago=1,
    personalised=False,
    order=None,
) -> OrderLine:
    """A line of an artist order of ``buyer`` from ``artist`` in ``state``,
    delivered (or shipped, for ``shipped``) ``delivered_days_ago`` days ago."""
    artist_order = make_artist_order(
        buyer=buyer,
        artist=artist,
        state=state,
        quantity=quantity,
        price=price,
        order=order,
    )
    at = timezone.now() - timedelta(days=delivered_days_ago)
    if state == "shipped":
        ArtistOrder.objects.filter(pk=artist_order.pk).update(shipped_at=at)
    elif state in ("delivered", "completed"):
        ArtistOrder.objects.filter(pk=artist_order.pk).update(
            shipped_at=at - timedelta(days=2), delivered_at=at
        )
    line = artist_order.lines.get()
    if personalised:
        OrderLine.objects.filter(pk=line.pk).update(
            personalised=True, personalisation_text="For Lou"
        )
    return OrderLine.objects.select_related(
        "artist_order__order", "artist_order__artist"
    ).get(pk=line.pk)


# The transitions that bring a new request to each state.
PATHS = {
    "requested": [],
    "accepted": ["accept"],
    "rejected": ["reject"],
    "in_transit": ["accept", "ship_back"],
    "received": ["accept", "ship_back", "receive"],
    "refunded": ["accept", "ship_back", "receive", "refund"],
    "replacement_shipped": ["accept", "ship_back", "receive", "ship_replacement"],
    "escalated": ["reject", "escalate"],
    "withdrawn": ["withdraw"],
    "expired": ["accept", "expire"],
    "closed": ["reject", "escalate", "close"],
}


def make_return(
    *,
    line,
    state="requested",
    quantity=1,
    kind="return",
    reason="damaged",
    photos=None,
    **kwargs,
) -> ReturnRequest:
    """A request on ``line`` by its buyer, brought to ``state`` by the
    services (an exchange for ``replacement_shipped``)."""
    buyer = line.artist_order.order.buyer
    artist_user = line.artist_order.artist.user
    if state == "replacement_shipped":
        kind = "exchange"
    if kind == "exchange":
        kwargs.setdefault("desired_text", "The same in blue")
    if photos is None:
        photos = (
            [jpeg_upload()]
            if reason in ("damaged", "wrong_item", "non_compliant")
            else []
        )
    rr = services.return_request_create(
        buyer=buyer,
        line=line,
        quantity=quantity,
        kind=kind,
        reason=reason,
        photos=photos,
        **kwargs,
    )
    for step in PATHS[state]:
        rr = ReturnRequest.objects.get(pk=rr.pk)
        if step == "accept":
            services.return_request_accept(
                return_request=rr,
                by=artist_user,
                instructions="Send it to 3 rue du Four, Lyon.",
            )
        elif step == "reject":
            services.return_request_reject(
                return_request=rr, by=artist_user, reason="Worn."
            )
        elif step == "ship_back":
            services.return_request_ship_back(
                return_request=rr,
                by=buyer,
                carrier="Colissimo",
                tracking_number="8R0001",
            )
        elif step == "receive":
            services.return_request_receive(return_request=rr, by=artist_user)
        elif step == "refund":
            services.return_request_refund(return_request=rr, by=artist_user)
        elif step == "ship_replacement":
            services.return_request_ship_replacement(
                return_request=rr,
                by=artist_user,
                carrier="Colissimo",
                tracking_number="8R0002",
            )
        elif step == "escalate":
            services.return_request_escalate(
                return_request=rr, by=buyer, message="Please look."
            )
        elif step == "withdraw":
            services.return_request_withdraw(return_request=rr, by=buyer)
        elif step == "expire":
            later = timezone.now() + timedelta(days=400)
            services.return_request_expire(return_request=rr, now=later)
        elif step == "close":
            services.return_request_staff_decide(
                return_request=rr,
                by=staff_user(),
                decision="close",
                note="No fault found.",
            )
    return ReturnRequest.objects.select_related(
        "artist_order__order", "artist_order__artist__user", "line", "buyer"
    ).get(pk=rr.pk)
