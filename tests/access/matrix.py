"""The access matrix: what each of six callers gets from every URL of the
pages and the API that takes an object from the path (pk, number, slug...):
the buyer who owns the object, another buyer, the artist who owns it,
another artist, staff and an anonymous visitor; and how a response is read
(ok, the login page, or a status).

The rule of docs/decisions.md ("Lifecycle doors"): another user's object is
a 404 (never confirmed to exist), a 403 only where the caller can read the
object but not act in that role, anonymous callers get a 401 from the API
and the login page from the pages, the public catalog is public. Pages and
detail endpoints are read with GET; action endpoints are posted to."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from django.test import Client

ROLES = (
    "owner_buyer",
    "other_buyer",
    "owning_artist",
    "other_artist",
    "staff",
    "anonymous",
)
OK = "ok"  # 2xx, or a redirect that is not to a login page
LOGIN = "login"  # a redirect to the login page
SKIP = "skip"  # not checked here (an owner's action: the lifecycle suites test it)


@dataclass(frozen=True)
class Rule:
    """What each role gets from one URL."""

    fill: str  # the attribute of World giving the path's kwargs
    expect: dict
    method: str = "get"
    data: dict | None = None
    api: bool = False


def rule(fill, *, method="get", data=None, api=False, **expect) -> Rule:
    missing = set(ROLES) - set(expect)
    assert not missing, f"{fill}: no expectation for {missing}"
    return Rule(fill=fill, expect=expect, method=method, data=data, api=api)


def page_of_buyer(fill, method="get", **overrides):
    expect = {
        "owner_buyer": OK if method == "get" else SKIP,
        "other_buyer": 404,
        "owning_artist": 404,
        "other_artist": 404,
        "staff": 404,
        "anonymous": LOGIN,
    }
    return rule(fill, method=method, **{**expect, **overrides})


def page_of_artist(fill, method="get", **overrides):
    expect = {
        "owner_buyer": 404,
        "other_buyer": 404,
        "owning_artist": OK if method == "get" else SKIP,
        "other_artist": 404,
        "staff": 404,
        "anonymous": LOGIN,
    }
    return rule(fill, method=method, **{**expect, **overrides})


def public(fill, api=False):
    return rule(fill, api=api, **dict.fromkeys(ROLES, OK))


def api_read_by_both_sides(fill):
    """Its buyer, its artist and staff read it; anyone else gets a 404."""
    return rule(
        fill,
        api=True,
        owner_buyer=OK,
        other_buyer=404,
        owning_artist=OK,
        other_artist=404,
        staff=OK,
        anonymous=401,
    )


def api_buyer_action(fill, data=None):
    return rule(
        fill,
        method="post",
        data=data,
        api=True,
        owner_buyer=SKIP,
        other_buyer=404,
        owning_artist=403,
        other_artist=404,
        staff=403,
        anonymous=401,
    )


def api_artist_action(fill, data=None):
    """Its artist (or staff, for the shop) acts; its buyer may read it (403)."""
    return rule(
        fill,
        method="post",
        data=data,
        api=True,
        owner_buyer=403,
        other_buyer=404,
        owning_artist=SKIP,
        other_artist=404,
        staff=SKIP,
        anonymous=401,
    )


def api_of_artist(fill, method="get", data=None, **overrides):
    """The shop endpoints: for artists only (403 to users without a shop,
    whatever the object), another shop's object is a 404."""
    expect = {
        "owner_buyer": 403,
        "other_buyer": 403,
        "owning_artist": OK if method == "get" else SKIP,
        "other_artist": 404,
        "staff": 403,
        "anonymous": 401,
    }
    return rule(fill, method=method, data=data, api=True, **{**expect, **overrides})


def api_of_staff(fill, data=None, **overrides):
    """Staff actions on a shop: 403 to everyone else, whatever the shop."""
    expect = {
        "owner_buyer": 403,
        "other_buyer": 403,
        "owning_artist": 403,
        "other_artist": 403,
        "staff": SKIP,
        "anonymous": 401,
    }
    return rule(fill, method="post", data=data, api=True, **{**expect, **overrides})


TRACKING = {"carrier": "Colissimo", "tracking_number": "6A000000001"}

MATRIX: dict[str, Rule] = {
    # Catalog: public.
    "catalog:artist": public("artist_slug"),
    "catalog:item": public("item"),
    "catalog:stock_alert": rule(
        "item",
        method="post",
        owner_buyer=OK,
        other_buyer=OK,
        owning_artist=OK,
        other_artist=OK,
        staff=OK,
        anonymous=LOGIN,
    ),
    "api-artist": public("artist_slug", api=True),
    "api-item": public("item", api=True),
    "api-item-stock-alerts": rule(
        "item",
        method="post",
        api=True,
        data={},
        owner_buyer=400,
        other_buyer=400,
        owning_artist=400,
        other_artist=400,
        staff=400,
        anonymous=401,
    ),
    # Buyer's account pages.
    "account:order": page_of_buyer("order_number"),
    "account:order_cancel": page_of_buyer("order_number", method="post"),
    # Staff open receipts from the order's admin page (and the API).
    "account:order_receipt": page_of_buyer("order_number"),
    "account:order_receipt_pdf": page_of_buyer("order_number"),
    "account:artist_order_cancel": page_of_buyer("order_and_part", method="post"),
    "account:artist_order_change": page_of_buyer("order_and_part"),
    "account:artist_order_confirm_delivery": page_of_buyer(
        "order_and_part", method="post"
    ),
    "account:artist_order_report_not_received": page_of_buyer(
        "order_and_part", method="post"
    ),
    "account:artist_order_withdraw_cancellation": page_of_buyer(
        "order_and_part", method="post"
    ),
    "account:personalisation_photo": page_of_buyer(
        "personalised_line", owning_artist=OK, staff=OK
    ),
    "returns:create": page_of_buyer("returnable_line"),
    "returns:detail": page_of_buyer(
        "return_request", owning_artist=OK
    ),  # sent to the dashboard page
    "returns:message": page_of_buyer("return_request", method="post"),
    "returns:ship_back": page_of_buyer("return_request", method="post"),
    "returns:withdraw": page_of_buyer("return_request", method="post"),
    "returns:escalate": page_of_buyer("return_request", method="post"),
    "returns:photo": page_of_buyer("return_photo", owning_artist=OK, staff=OK),
    # The buyer's cart (an anonymous visitor has a cart of its own: 404).
    "cart:line_update": page_of_buyer("cart_line", method="post", anonymous=404),
    "cart:line_remove": page_of_buyer("cart_line", method="post", anonymous=404),
    "cart:line_photo": page_of_buyer("cart_line", anonymous=404),
    # Seller dashboard.
    "dashboard:shop_photo_delete": page_of_artist("shop_photo", method="post"),
    "dashboard:item_edit": page_of_artist("item"),
    "dashboard:item_toggle": page_of_artist("item", method="post"),
    "dashboard:item_photo_delete": page_of_artist("item_photo", method="post"),
    "dashboard:variant_edit": page_of_artist("variant"),
    "dashboard:order": page_of_artist("artist_order"),
    "dashboard:payout": page_of_artist("payout"),
    # Each artist's own statement of the month: the path names no one's object.
    "dashboard:money_statement": page_of_artist("month", other_artist=OK),
    "dashboard:order_packing_slip": page_of_artist("artist_order"),
    "dashboard:order_accept": page_of_artist("artist_order", method="post"),
    "dashboard:order_refuse": page_of_artist("artist_order", method="post"),
    "dashboard:order_ship": page_of_artist("artist_order", method="post"),
    "dashboard:order_reship": page_of_artist("artist_order", method="post"),
    "dashboard:order_refund_lost": page_of_artist("artist_order", method="post"),
    "dashboard:order_refused_at_customs": page_of_artist("artist_order", method="post"),
    "dashboard:return": page_of_artist("return_request"),
    "dashboard:return_accept": page_of_artist("return_request", method="post"),
    "dashboard:return_reject": page_of_artist("return_request", method="post"),
    "dashboard:return_receive": page_of_artist("return_request", method="post"),
    "dashboard:return_refund": page_of_artist("return_request", method="post"),
    "dashboard:return_ship_replacement": page_of_artist(
        "return_request", method="post"
    ),
    "dashboard:return_convert_to_refund": page_of_artist(
        "return_request", method="post"
    ),
    "dashboard:return_message": page_of_artist("return_request", method="post"),
    # Messages: the two sides of a thread and staff.
    "messaging:thread": page_of_buyer("thread", owning_artist=OK, staff=OK),
    "messaging:photo": page_of_buyer("message_photo", owning_artist=OK, staff=OK),
    # Any signed-in user may write to a shop (its own artist is sent to the shop inbox).
    "messaging:contact": rule(
        "artist_slug",
        owner_buyer=OK,
        other_buyer=OK,
        owning_artist=OK,
        other_artist=OK,
        staff=OK,
        anonymous=LOGIN,
    ),
    # Staff read every conversation: they are sent to the order's thread.
    "messaging:contact_order": page_of_buyer(
        "artist_order", owning_artist=OK, staff=OK
    ),
    "messaging:report": page_of_buyer(
        "message", method="post", owning_artist=SKIP, staff=SKIP
    ),
    # Only whoever reported it withdraws (tests/messaging/test_reports.py).
    "messaging:report_withdraw": page_of_buyer(
        "message", method="post", owning_artist=SKIP, staff=SKIP
    ),
    "messaging:hide": page_of_buyer(
        "message", method="post", owner_buyer=404, staff=SKIP
    ),
    # API: shop.
    "api-shop-item": api_of_artist("item"),
    "api-shop-item-photos": api_of_artist("item", method="post"),
    "api-shop-item-photo": api_of_artist("item_and_photo", method="delete"),
    "api-shop-item-variants": api_of_artist(
        "item", method="post", data={"name": "Large", "stock": 2}
    ),
    "api-shop-variant": api_of_artist("variant"),
    "api-staff-artist-approve": api_of_staff("artist_slug"),
    # API: money. Each artist's own statement of the month (the path names no
    # one's object).
    "api-shop-payout": api_of_artist("payout"),
    "api-shop-statement": api_of_artist("month", other_artist=OK),
    # Refused callers go first: staff's release finds the payouts not held
    # (409), then staff's hold holds them.
    "api-staff-artist-hold-payouts": api_of_staff(
        "artist_slug", {"reason": "Bank details missing."}, staff=OK
    ),
    "api-staff-artist-release-payouts": api_of_staff(
        "artist_slug", {"reason": "Bank details received."}, staff=409
    ),
    # API: cart and orders.
    "api-cart-line": rule(
        "cart_line",
        method="patch",
        data={"quantity": 2},
        api=True,
        owner_buyer=SKIP,
        other_buyer=404,
        owning_artist=404,
        other_artist=404,
        staff=404,
        anonymous=401,
    ),
    "api-order": rule(
        "order_number",
        api=True,
        owner_buyer=OK,
        other_buyer=404,
        owning_artist=404,
        other_artist=404,
        staff=404,
        anonymous=401,
    ),
    "api-order-receipt": rule(
        "order_number",
        api=True,
        owner_buyer=OK,
        other_buyer=404,
        owning_artist=404,
        other_artist=404,
        staff=OK,
        anonymous=401,
    ),
    "api-order-cancel": rule(
        "order_number",
        method="post",
        api=True,
        owner_buyer=SKIP,
        other_buyer=404,
        owning_artist=404,
        other_artist=404,
        staff=404,
        anonymous=401,
    ),
    "api-artist-order": api_read_by_both_sides("artist_order"),
    "api-artist-order-accept": api_artist_action("artist_order"),
    "api-artist-order-refuse": api_artist_action("artist_order", {"reason": "No."}),
    "api-artist-order-ship": api_artist_action("artist_order", TRACKING),
    "api-artist-order-reship": api_artist_action("artist_order", TRACKING),
    "api-artist-order-refund-lost": api_artist_action("artist_order"),
    "api-artist-order-refused-at-customs": api_artist_action(
        "artist_order", {"return_postage": "1.00"}
    ),
    "api-artist-order-withdraw-cancellation": api_buyer_action("artist_order"),
    "api-artist-order-cancel": api_buyer_action("artist_order"),
    "api-artist-order-confirm-delivery": api_buyer_action("artist_order"),
    "api-artist-order-report-not-received": api_buyer_action("artist_order"),
    # API: messages.
    "api-thread": api_read_by_both_sides("thread"),
    "api-thread-messages": rule(
        "thread",
        method="post",
        data={"body": "Hello?"},
        api=True,
        owner_buyer=SKIP,
        other_buyer=404,
        owning_artist=SKIP,
        other_artist=404,
        staff=SKIP,
        anonymous=401,
    ),
    # API: returns.
    "api-return": api_read_by_both_sides("return_request"),
    "api-return-photo": api_read_by_both_sides("return_request_and_photo"),
    # Staff may run the artist actions (decisions: "Returns doors").
    "api-return-accept": api_artist_action("return_request", {"instructions": "Lyon."}),
    "api-return-reject": api_artist_action("return_request", {"reason": "Worn."}),
    "api-return-receive": api_artist_action("return_request"),
    "api-return-refund": api_artist_action("return_request"),
    "api-return-ship-replacement": api_artist_action("return_request", TRACKING),
    "api-return-convert-to-refund": api_artist_action("return_request"),
    "api-return-escalate": api_buyer_action("return_request", {"message": "Look."}),
    "api-return-ship-back": api_buyer_action("return_request", TRACKING),
    "api-return-withdraw": api_buyer_action("return_request"),
    # Reviews: the visible ones are public; a review is its buyer's to edit
    # and its shop's to answer, a 404 to anyone else.
    "reviews:item": public("item"),
    "reviews:artist": public("artist_slug"),
    "reviews:photo": public("review_photo"),
    "api-item-reviews": public("item", api=True),
    "api-artist-reviews": public("artist_slug", api=True),
    "reviews:create": page_of_buyer("reviewable_line"),
    "reviews:edit": page_of_buyer("review"),
    "dashboard:review_answer": page_of_artist("review", method="post"),
    "api-review": rule(
        "review",
        api=True,
        owner_buyer=OK,
        other_buyer=404,
        owning_artist=404,
        other_artist=404,
        staff=404,
        anonymous=401,
    ),
    "api-review-answer": rule(
        "review",
        method="post",
        data={"text": "Thank you."},
        api=True,
        owner_buyer=404,
        other_buyer=404,
        owning_artist=SKIP,
        other_artist=404,
        staff=404,
        anonymous=401,
    ),
}


def outcome(response) -> object:
    status = response.status_code
    if status in (301, 302, 303):
        location = urlparse(response["Location"]).path
        if location.startswith(("/accounts/login/", "/admin/login/")):
            return LOGIN
        return OK
    if 200 <= status < 300:
        return OK
    return status


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
