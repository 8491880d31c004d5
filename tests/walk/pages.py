"""The pages the walk opens, per role, found in the data of the demo seed
(``demo.seed.seed()``): the catalogue for a visitor; the cart, checkout,
orders in every state, receipt, returns and messages for the buyer
``buyer``; the whole seller dashboard for ``jonas`` (who has money and a
payout); the admin for ``staff``."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import User
from artists.models import Artist, Category, Item, Variant
from messaging.models import Message, SupportThread, Thread
from orders.models import (
    ArtistOrder,
    CancellationRequest,
    NotReceivedReport,
    Order,
    OrderLine,
)
from payouts.models import Payout
from returns.models import ReturnRequest
from reviews.models import Review

# Who walks each role (None: not logged in).
USERNAMES = {"visitor": None, "buyer": "buyer", "artist": "jonas", "staff": "staff"}


@dataclass(frozen=True)
class Page:
    name: str
    path: str


def _demo_order(buyer: User, key: str) -> Order:
    return Order.objects.get(buyer=buyer, checkout_key=f"{buyer.pk}:demo-{key}")


def _item(title: str) -> Item:
    return Item.objects.get(title=title)


def _category_path() -> str:
    """A sub-category, with its parent's breadcrumb and siblings."""
    category = Category.objects.filter(parent__isnull=False).first()
    return reverse("catalog:items") + f"?category={category.slug}&ships_to=US"


def catalogue_pages() -> list[Page]:
    return [
        Page("home", reverse("catalog:home")),
        Page("artists", reverse("catalog:artists")),
        Page("catalogue", reverse("catalog:items")),
        Page(
            "catalogue search",
            reverse("catalog:items") + "?q=teapot&in_stock=true&ordering=price",
        ),
        Page("catalogue category", _category_path()),
        Page("shop", reverse("catalog:artist", args=["atelier-claire"])),
        Page("item with sizes", _item("Hammered silver ring").get_absolute_url()),
        Page("item out of stock", _item("Herringbone wool scarf").get_absolute_url()),
        Page("shop reviews", reverse("reviews:artist", args=["atelier-claire"])),
        Page(
            "item reviews",
            reverse("reviews:item", args=[_item("Hammered silver ring").pk]),
        ),
    ]


def visitor_pages() -> list[Page]:
    return [
        *catalogue_pages(),
        Page("log in", reverse("accounts:login")),
        Page("sign up", reverse("accounts:signup")),
        Page("open a shop", reverse("accounts:signup") + "?role=artist"),
        Page("password reset", reverse("accounts:password_reset")),
        Page("empty cart", reverse("cart:cart")),
    ]


def buyer_pages() -> list[Page]:
    buyer = User.objects.get(username="buyer")
    pages = [
        Page("home", reverse("catalog:home")),
        Page("item", _item("Personalised serving plate").get_absolute_url()),
        Page("cart", reverse("cart:cart")),
        Page("checkout", reverse("cart:checkout")),
        Page("account", reverse("accounts:home")),
        Page("password change", reverse("accounts:password_change")),
        Page("orders", reverse("account:orders")),
    ]
    for key in [
        "awaiting_acceptance",
        "accepted",
        "shipped",
        "delivered",
        "refused",
        "cancellation_requested",
        "not_received",
        "return-jonas-weaves",
    ]:
        number = _demo_order(buyer, key).number
        pages.append(Page(f"order {key}", reverse("account:order", args=[number])))
    number = _demo_order(buyer, "awaiting_acceptance").number
    pages.append(Page("receipt", reverse("account:order_receipt", args=[number])))
    waiting = _demo_order(buyer, "awaiting_acceptance").artist_orders.filter(
        state="awaiting_acceptance"
    )
    if waiting.exists():
        pages.append(
            Page(
                "change order",
                reverse(
                    "account:artist_order_change", args=[number, waiting.first().pk]
                ),
            )
        )
    pages.append(Page("returns", reverse("returns:list")))
    for request in ReturnRequest.objects.filter(buyer=buyer).order_by("pk"):
        pages.append(
            Page(f"{request.kind} {request.state}", request_path(request, "buyer"))
        )
    delivered = OrderLine.objects.filter(
        artist_order__order=_demo_order(buyer, "delivered")
    ).first()
    pages.append(Page("return form", reverse("returns:create", args=[delivered.pk])))
    pages.append(Page("review form", reverse("reviews:create", args=[delivered.pk])))
    review = Review.objects.filter(buyer=buyer).order_by("pk").first()
    if review is not None:  # the demo's reviews (demo/reviews.py)
        pages.append(Page("review", reverse("reviews:edit", args=[review.pk])))
    pages += [
        Page("messages", reverse("messaging:inbox")),
        Page("conversation", conversation(buyer).get_absolute_url()),
        Page("contact a shop", reverse("messaging:contact", args=["mika-silver"])),
        Page("contact the team", reverse("messaging:support")),
        Page("support thread", support_thread(buyer).get_absolute_url()),
    ]
    return pages


def request_path(request: ReturnRequest, side: str) -> str:
    name = "returns:detail" if side == "buyer" else "dashboard:return"
    return reverse(name, args=[request.pk])


def conversation(buyer: User) -> Thread:
    """The thread where the buyer and a shop wrote to each other."""
    return (
        Message.objects.filter(
            thread__buyer=buyer,
            author=buyer,
            thread__artist_order__isnull=False,
            thread__artist__isnull=False,
        )
        .first()
        .thread
    )


def support_thread(opener: User) -> Thread:
    """The demo's support thread opened by ``opener`` (demo/support.py)."""
    return Thread.objects.filter(kind="support", buyer=opener).first()


def artist_pages() -> list[Page]:
    jonas = Artist.objects.get(slug="jonas-weaves")
    buyer = User.objects.get(username="buyer")
    orders = ArtistOrder.objects.filter(artist=jonas).exclude(
        order__buyer__username="louise"
    )
    pages = [
        Page("dashboard", reverse("dashboard:home")),
        Page("orders", reverse("dashboard:orders")),
    ]
    for state, extra in [
        ("awaiting_acceptance", {}),
        ("accepted", {"cancellation_requests__status": "open"}),
        ("accepted", {"order__buyer": buyer}),
        ("shipped", {"not_received_reports__status": "open"}),
        ("shipped", {"not_received_reports__isnull": True}),
        ("refused", {}),
        ("completed", {}),
    ]:
        artist_order = orders.filter(state=state, **extra).first()
        if artist_order is not None:
            pages.append(
                Page(
                    f"order {state} {' '.join(extra)}".strip(),
                    reverse("dashboard:order", args=[artist_order.pk]),
                )
            )
    slip_order = orders.filter(state="accepted").first()
    if slip_order is not None:
        pages.append(
            Page(
                "packing slip",
                reverse("dashboard:order_packing_slip", args=[slip_order.pk]),
            )
        )
    scarf = _item("Herringbone wool scarf")
    pages += [
        Page("items", reverse("dashboard:items")),
        Page("new item", reverse("dashboard:item_create")),
        Page("item", reverse("dashboard:item_edit", args=[scarf.pk])),
        Page(
            "variant",
            reverse(
                "dashboard:variant_edit",
                args=[Variant.objects.filter(item=scarf)[0].pk],
            ),
        ),
        Page("shop", reverse("dashboard:shop")),
        Page("terms", reverse("dashboard:terms")),
        Page("holiday", reverse("dashboard:holiday")),
        Page("returns", reverse("dashboard:returns")),
        Page("reviews", reverse("dashboard:reviews")),
    ]
    for request in ReturnRequest.objects.filter(artist=jonas).order_by("pk"):
        pages.append(
            Page(f"{request.kind} {request.state}", request_path(request, "artist"))
        )
    payout = Payout.objects.filter(artist=jonas).first()
    pages += [
        Page("money", reverse("dashboard:money")),
        Page("payout", reverse("dashboard:payout", args=[payout.pk])),
        Page("shop messages", reverse("messaging:shop_inbox")),
        Page("conversation", conversation(buyer).get_absolute_url()),
        Page("contact the team", reverse("messaging:support") + "?side=artist"),
        Page("support thread", support_thread(jonas.user).get_absolute_url()),
        Page("public shop", jonas.get_absolute_url()),
    ]
    return pages


def _change(model, pk) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk])


def _changelist(model) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")


def staff_pages() -> list[Page]:
    buyer = User.objects.get(username="buyer")
    order = _demo_order(buyer, "awaiting_acceptance")
    requested = ArtistOrder.objects.filter(cancellation_requests__status="open")[0]
    in_transit = ReturnRequest.objects.get(buyer=buyer, state="in_transit")
    changelists = [
        Order,
        ArtistOrder,
        ReturnRequest,
        User,
        Artist,
        Item,
        Category,
        Payout,
        Message,
        Review,
    ]
    review = Review.objects.order_by("pk").first()
    reviews = [Page("review", _change(Review, review.pk))] if review else []
    return [
        Page("admin", reverse("admin:index")),
        Page("escalations", reverse("admin:escalations")),
        *(Page(f"{m._meta.model_name} list", _changelist(m)) for m in changelists),
        Page("order", _change(Order, order.pk)),
        Page("artist order", _change(ArtistOrder, requested.pk)),
        Page("return request", _change(ReturnRequest, in_transit.pk)),
        Page("user", _change(User, buyer.pk)),
        Page("artist", _change(Artist, Artist.objects.get(slug="jonas-weaves").pk)),
        Page("item", _change(Item, _item("Hammered silver ring").pk)),
        Page("payout", _change(Payout, Payout.objects.get(status="failed").pk)),
        Page("support inbox", _changelist(SupportThread)),
        Page("support thread", _change(SupportThread, support_thread(buyer).pk)),
        *reviews,
    ]


PAGES = {
    "visitor": visitor_pages,
    "buyer": buyer_pages,
    "artist": artist_pages,
    "staff": staff_pages,
}


def user_content() -> tuple[frozenset[str], tuple[str, ...]]:
    """What people typed (names, titles; sentences), which the French check
    leaves alone."""
    names = set()
    for user in User.objects.all():
        names.update({user.username, user.get_full_name(), user.first_name})
    for artist in Artist.objects.all():
        names.update({artist.name, artist.slug, artist.location})
    for item in Item.objects.all():
        names.add(item.title)
    names.update(Thread.objects.values_list("subject", flat=True))
    names.update(Variant.objects.values_list("name", flat=True))
    sentences = {
        *Message.objects.exclude(body="").values_list("body", flat=True),
        *Item.objects.values_list("description", flat=True),
        *Item.objects.values_list("size_guide", flat=True),
        *Artist.objects.values_list("story", flat=True),
        *ReturnRequest.objects.values_list("comment", flat=True),
        *ReturnRequest.objects.values_list("instructions", flat=True),
        *Review.objects.values_list("text", flat=True),
        *Review.objects.values_list("answer", flat=True),
        *OrderLine.objects.values_list("personalisation_text", flat=True),
        *ArtistOrder.objects.values_list("refusal_reason", flat=True),
        *CancellationRequest.objects.values_list("reason", flat=True),
        *NotReceivedReport.objects.values_list("note", flat=True),
    }
    return frozenset(n for n in names if n), tuple(
        " ".join(s.split()) for s in sentences if s and len(s) > 3
    )
