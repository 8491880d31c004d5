"""Reads scoped to the person asking."""

from __future__ import annotations

from django.db.models import (
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from .models import (
    PAYMENT_FAILED,
    ArtistOrder,
    ArtistOrderEvent,
    ArtistOrderState,
    CancellationRequest,
    CancellationStatus,
    Cart,
    CartLine,
    NotReceivedReport,
    NotReceivedStatus,
    Order,
    OrderLine,
    Payment,
    PaymentStatus,
    Refund,
)

SESSION_CART_KEY = "cart_id"


def _anonymous_cart(request) -> Cart | None:
    cart_id = request.session.get(SESSION_CART_KEY)
    if not cart_id:
        return None
    try:
        return Cart.objects.select_related("discount_code__artist").get(
            pk=cart_id, user=None
        )
    except (Cart.DoesNotExist, ValueError, TypeError):
        return None


def cart_for_request(request, *, create: bool = False) -> Cart | None:
    """The cart of the logged-in user, or of the anonymous session.

    The anonymous cart's id is kept in ``request.session["cart_id"]``; session
    data survives the key cycling at login, where the cart is merged into the
    user's (``orders.receivers``). With ``create``, a missing cart is created.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        cart = (
            Cart.objects.select_related("discount_code__artist")
            .filter(user=user)
            .first()
        )
        if cart is None and create:
            cart, _ = Cart.objects.get_or_create(user=user)
        return cart
    cart = _anonymous_cart(request)
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[SESSION_CART_KEY] = cart.pk
    return cart


def cart_size_for_request(request) -> int:
    """How many pieces the visitor's cart holds (for the page header)."""
    if not hasattr(request, "user") or not hasattr(request, "session"):
        return 0
    if request.user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=request.user)
    else:
        cart_id = request.session.get(SESSION_CART_KEY)
        if not cart_id:
            return 0
        lines = CartLine.objects.filter(cart_id=cart_id, cart__user=None)
    try:
        return lines.aggregate(n=Sum("quantity"))["n"] or 0
    except (ValueError, TypeError):
        return 0


def cart_line_get(*, cart: Cart | None, pk) -> CartLine:
    """A line of ``cart``; any other line (or none) is a 404.

    :raises Http404: when the line is not in the cart.
    """
    if cart is None:
        raise Http404
    try:
        return CartLine.objects.select_related("cart").get(cart=cart, pk=int(pk))
    except (CartLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Orders -------------------------------------------------------------------


def artist_order_prefetches() -> list:
    """What an artist order's page or API representation reads: lines,
    history with its author, refunds, cancellation requests and not-received
    reports (newest first), in a constant number of queries."""
    return [
        Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch(
            "history",
            queryset=ArtistOrderEvent.objects.select_related("by").order_by("at", "id"),
        ),
        Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "id")),
        Prefetch(
            "cancellation_requests",
            queryset=CancellationRequest.objects.order_by("-created_at", "-id"),
        ),
        Prefetch(
            "not_received_reports",
            queryset=NotReceivedReport.objects.order_by("-created_at", "-id"),
        ),
    ]


def latest_cancellation_request(
    artist_order: ArtistOrder,
) -> CancellationRequest | None:
    """The newest cancellation request of ``artist_order`` (prefetched by
    ``artist_order_prefetches``), or None."""
    requests = list(artist_order.cancellation_requests.all())
    return requests[0] if requests else None


def latest_not_received_report(artist_order: ArtistOrder) -> NotReceivedReport | None:
    """The newest not-received report of ``artist_order`` (prefetched), or None."""
    reports = list(artist_order.not_received_reports.all())
    return reports[0] if reports else None


def _artist_orders_prefetch() -> Prefetch:
    return Prefetch(
        "artist_orders",
        queryset=ArtistOrder.objects.select_related("artist", "order")
        .prefetch_related(*artist_order_prefetches())
        .order_by("artist__name", "id"),
    )


def orders_for_buyer(*, buyer) -> QuerySet[Order]:
    """The buyer's orders, newest first, with artist orders, lines and history."""
    return (
        Order.objects.filter(buyer=buyer)
        .select_related("buyer")
        .prefetch_related(_artist_orders_prefetch())
        .order_by("-created_at", "-id")
    )


def order_get_for_buyer(*, buyer, number: str) -> Order:
    """One of the buyer's orders by number.

    :raises Http404: when it is not the buyer's.
    """
    order = orders_for_buyer(buyer=buyer).filter(number=str(number)).first()
    if order is None:
        raise Http404
    return order


def order_get_for_receipt(*, user, number: str, role: str = "buyer") -> Order:
    """An order with what its receipt shows (artist orders with their shop,
    lines and refunds; the captured payment as ``captured_payments``): one
    of ``user``'s orders, or any order for staff asking with ``role="staff"``.

    :raises Http404: for an order that is not the caller's.
    """
    orders = Order.objects.select_related("buyer").prefetch_related(
        Prefetch(
            "artist_orders",
            queryset=ArtistOrder.objects.select_related("artist")
            .prefetch_related(
                Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
                Prefetch(
                    "refunds", queryset=Refund.objects.order_by("created_at", "id")
                ),
            )
            .order_by("artist__name", "id"),
        ),
        Prefetch(
            "payments",
            queryset=Payment.objects.filter(status=PaymentStatus.CAPTURED),
            to_attr="captured_payments",
        ),
    )
    if not (role == "staff" and user.is_staff):
        orders = orders.filter(buyer=user)
    order = orders.filter(number=str(number)).first()
    if order is None:
        raise Http404
    return order


def last_order_for_buyer(*, buyer) -> Order | None:
    return Order.objects.filter(buyer=buyer).order_by("-created_at", "-id").first()


def artist_orders_visible_to(*, user, role: str | None = None) -> QuerySet[ArtistOrder]:
    """Artist orders ``user`` may read: those of its orders as a buyer, those
    of its shop as an artist (``role`` "buyer" or "artist" narrows to one
    side; default both), every one for staff asking with ``role="staff"``.
    An artist never sees an artist order whose payment failed: it was
    never asked to accept it."""
    queryset = ArtistOrder.objects.select_related(
        "artist", "order", "order__buyer"
    ).prefetch_related(*artist_order_prefetches())
    if role == "staff" and user.is_staff:
        return queryset
    artist = getattr(user, "artist_or_none", None)
    condition = Q(pk__in=[])
    if role in (None, "", "buyer"):
        condition |= Q(order__buyer=user)
    if role in (None, "", "artist") and artist is not None:
        condition |= Q(artist=artist) & ~PAYMENT_FAILED
    return queryset.filter(condition)


def artist_order_get_for_user(*, user, pk) -> ArtistOrder:
    """An artist order its buyer, its artist or staff may read.

    :raises Http404: for anyone else.
    """
    role = "staff" if user.is_staff else None
    try:
        return artist_orders_visible_to(user=user, role=role).get(pk=int(pk))
    except (ArtistOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def artist_order_get_for_buyer(*, buyer, number: str, pk) -> ArtistOrder:
    """An artist order of the buyer's order ``number``.

    :raises Http404: when it is not part of one of the buyer's orders.
    """
    try:
        return artist_orders_visible_to(user=buyer, role="buyer").get(
            pk=int(pk), order__number=str(number)
        )
    except (ArtistOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def artist_order_get_for_artist(*, artist, pk) -> ArtistOrder:
    """One of ``artist``'s artist orders, with everything its page shows.

    :raises Http404: for another artist's artist order, or one whose
        payment failed.
    """
    try:
        return (
            ArtistOrder.objects.filter(artist=artist)
            .exclude(PAYMENT_FAILED)
            .select_related("artist", "order", "order__buyer")
            .prefetch_related(*artist_order_prefetches())
            .get(pk=int(pk))
        )
    except (ArtistOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _open_cancellation():
    return Exists(
        CancellationRequest.objects.filter(
            artist_order=OuterRef("pk"), status=CancellationStatus.OPEN
        )
    )


def _open_report():
    return Exists(
        NotReceivedReport.objects.filter(
            artist_order=OuterRef("pk"), status=NotReceivedStatus.OPEN
        )
    )


def _pieces():
    """Pieces bought in the artist order, as a correlated subquery: a
    ``Sum("lines__quantity")`` would join and group all the artist's artist
    orders before the page's ``LIMIT`` (seconds for a shop with 100,000)."""
    return Coalesce(
        Subquery(
            OrderLine.objects.filter(artist_order=OuterRef("pk"))
            .order_by()
            .values("artist_order")
            .annotate(n=Sum("quantity"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def artist_orders_for_dashboard(
    *, artist, state: str | None = None, search: str = ""
) -> QuerySet[ArtistOrder]:
    """The artist's artist orders for the dashboard list, newest first, with
    ``pieces`` (quantity bought), ``has_open_cancellation`` and
    ``has_open_report`` annotated: one query per page whatever its size.
    ``state`` narrows to one state, ``search`` to order numbers containing it."""
    queryset = (
        ArtistOrder.objects.filter(artist=artist)
        .exclude(state=ArtistOrderState.AWAITING_PAYMENT)
        .exclude(PAYMENT_FAILED)
    )
    if state:
        queryset = queryset.filter(state=state)
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(order__number__icontains=search)
    return (
        queryset.select_related("order")
        .annotate(
            pieces=_pieces(),
            has_open_cancellation=_open_cancellation(),
            has_open_report=_open_report(),
        )
        .order_by("-created_at", "-id")
    )


DASHBOARD_QUEUE_SIZE = 20


def artist_dashboard_queues(*, artist, limit: int = DASHBOARD_QUEUE_SIZE) -> dict:
    """What needs the artist now, most urgent first, ``limit`` rows each
    (and the full count): open cancellation requests, artist orders to
    accept (deadline first), to ship (dispatch date first; those with an
    open cancellation request are in the first queue) and open not-received
    reports. Eight queries whatever the sizes. (An artist order whose
    payment failed is in none of these states.)"""
    mine = ArtistOrder.objects.filter(artist=artist).select_related("order")
    cancellations = (
        CancellationRequest.objects.filter(
            artist_order__artist=artist, status=CancellationStatus.OPEN
        )
        .select_related("artist_order__order")
        .order_by("created_at", "id")
    )
    to_accept = mine.filter(state=ArtistOrderState.AWAITING_ACCEPTANCE).order_by(
        "acceptance_deadline", "id"
    )
    to_ship = (
        mine.filter(state=ArtistOrderState.ACCEPTED)
        .exclude(_open_cancellation())
        .order_by("dispatch_date", "accepted_at", "id")
    )
    reports = (
        NotReceivedReport.objects.filter(
            artist_order__artist=artist, status=NotReceivedStatus.OPEN
        )
        .select_related("artist_order__order")
        .order_by("created_at", "id")
    )
    queues = {}
    for name, queryset in (
        ("cancellation_requests", cancellations),
        ("to_accept", to_accept),
        ("to_ship", to_ship),
        ("not_received", reports),
    ):
        rows = list(queryset[:limit])
        count = len(rows) if len(rows) < limit else queryset.count()
        queues[name] = {"rows": rows, "count": count}
    return queues


def order_line_get_for_buyer(*, buyer, pk) -> OrderLine:
    """A line of one of ``buyer``'s orders, with its artist order, order and
    artist.

    :raises Http404: for a line of anyone else's order.
    """
    try:
        return OrderLine.objects.select_related(
            "artist_order__order", "artist_order__artist"
        ).get(pk=int(pk), artist_order__order__buyer=buyer)
    except (OrderLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def order_line_get_for_photo(*, user, pk) -> OrderLine:
    """An order line whose personalisation photo ``user`` may see: the buyer,
    the artist of that line, or staff.

    :raises Http404: for anyone else, or when the line has no photo.
    """
    lines = OrderLine.objects.select_related(
        "artist_order__order", "artist_order__artist"
    )
    if not user.is_staff:
        condition = Q(artist_order__order__buyer=user)
        artist = getattr(user, "artist_or_none", None)
        if artist is not None:
            condition |= Q(artist_order__artist=artist)
        lines = lines.filter(condition)
    try:
        line = lines.get(pk=int(pk))
    except (OrderLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not line.personalisation_photo:
        raise Http404
    return line
