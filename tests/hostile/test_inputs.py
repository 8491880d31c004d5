"""Hostile input that gave a 500: NUL bytes, which PostgreSQL refuses in text
(tried on the path, the query, headers, form and JSON bodies), and deeply
nested JSON, which Python's json cannot parse without a RecursionError.

Each is a 400, JSON ``{"detail"}`` under /api/ and a plain page elsewhere,
and changes nothing. Run on PostgreSQL too (DATABASE_URL), where they were
500s; the class of bug is fixed once (marketplace/middleware.py,
marketplace/parsers.py), so the probes spread over every kind of door.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from marketplace.parsers import MAX_DEPTH, JSONParser
from messaging.models import Message
from orders.models import CartLine

pytestmark = pytest.mark.django_db

PAGE_TITLE = "This request cannot be answered"
NUL_MESSAGE = "Null characters are not allowed."
DEEP_JSON = "[" * 2000  # 2 KB of nesting: a RecursionError in Python's json
User = get_user_model()


def web_client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def api_client(user=None) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_api_400(response, errors=("detail",)):
    """A 400 in JSON, with ``errors`` as its keys: ``detail``, or the
    fields at fault with Django's own message."""
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == list(errors)
    if errors != ("detail",):
        assert all(body[field] == [NUL_MESSAGE] for field in errors)


def assert_page_400(response):
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    assert PAGE_TITLE in response.content.decode()


# -------------------------------------------------------------- NUL bytes

API_PATHS = [
    "/api/v1/orders/%00/",
    "/api/v1/orders/ORD%00/",
    "/api/v1/artists/%00/",
    "/api/v1/returns/%00/",
]
API_QUERIES = [
    ("/api/v1/orders/?state=%00", "state"),
    ("/api/v1/orders/?ordering=%00number", "ordering"),
    ("/api/v1/items/?q=%00", "q"),
    ("/api/v1/items/?artist=%00&q=bowl", "artist"),
    ("/api/v1/artist-orders/?state=%00", "state"),
    ("/api/v1/returns/?state=pending%00", "state"),
    ("/api/v1/threads/?kind=%00", "kind"),
    ("/api/v1/cart/?%00=1", "non_field_errors"),
]
PAGE_GETS = [
    "/account/orders/%00/",
    "/account/orders/%00/receipt/",
    "/account/orders/%00/receipt.pdf",
    "/?q=%00",
    "/?category=%00",
    "/artists/?q=%00",
    "/artists/%00/",
    "/dashboard/orders/?state=%00",
    "/messages/?q=%00",
    "/cart/?next=%00",
]


@pytest.mark.parametrize("path", API_PATHS)
def test_a_nul_byte_in_an_api_path_is_a_400(buyer, path):
    assert_api_400(api_client(buyer).get(path))


@pytest.mark.parametrize("path, field", API_QUERIES)
def test_a_nul_byte_in_an_api_query_is_a_field_error(buyer, path, field):
    assert_api_400(api_client(buyer).get(path), errors=(field,))


@pytest.mark.parametrize("path", PAGE_GETS)
def test_a_nul_byte_in_a_page_address_is_a_400_page(buyer, path):
    assert_page_400(web_client(buyer).get(path))


def test_the_400_page_speaks_the_buyers_language(french_buyer):
    response = web_client().get("/account/orders/%00/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert 'lang="fr"' in response.content.decode()


def test_a_nul_byte_in_a_header_is_a_400(buyer):
    response = api_client().get(
        "/api/v1/orders/", HTTP_AUTHORIZATION="Token abc\x00def"
    )

    assert_api_400(response)


def test_a_cookie_with_a_nul_byte_is_ignored(buyer):
    """A quoted cookie may carry an escaped NUL (``"\\000"``): the session
    is not looked up with it, the visitor is simply not logged in."""
    client = web_client()
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"

    response = client.get("/account/orders/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_nul_byte_in_a_login_form_is_a_400_and_logs_nobody_in(buyer):
    client = web_client()

    response = client.post(
        "/accounts/login/",
        "username=buyer%00&password=x%00",
        content_type="application/x-www-form-urlencoded",
    )

    assert_page_400(response)
    assert "_auth_user_id" not in client.session


def test_a_nul_byte_in_a_multipart_form_is_a_form_error(buyer):
    """Multipart bodies are left to the form and serializer fields, which
    refuse NUL themselves (reading them in the middleware would parse every
    upload before the view)."""
    client = web_client()

    response = client.post(
        "/accounts/login/", {"username": "buyer\x00", "password": "x"}
    )

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_nul_byte_in_a_cart_form_is_a_400_and_adds_nothing(buyer, variant):
    response = web_client(buyer).post(
        "/cart/add/",
        f"variant={variant.pk}&quantity=1&personalisation_text=hi%00",
        content_type="application/x-www-form-urlencoded",
    )

    assert_page_400(response)
    assert not CartLine.objects.exists()


def test_a_nul_byte_in_an_api_form_body_is_a_400(buyer, variant):
    response = api_client(buyer).post(
        "/api/v1/cart/lines/",
        f"variant={variant.pk}&quantity=1&personalisation=%00",
        content_type="application/x-www-form-urlencoded",
    )

    assert_api_400(response, errors=("personalisation",))
    assert not CartLine.objects.exists()


def test_an_encoded_percent_sign_is_not_a_nul_byte(buyer):
    """``%2500`` is the text ``%00``, which is allowed (and finds nothing)."""
    response = api_client(buyer).get("/api/v1/items/?q=%2500")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/auth/register/", {"username": "eve\x00", "password": "x"}),
        ("/api/v1/auth/token/", {"username": "buyer\x00", "password": "x"}),
        ("/api/v1/cart/discount/", {"code": "WELCOME\x00"}),
        ("/api/v1/cart/lines/", {"variant": 1, "quantity": 1, "x\x00": 1}),
    ],
)
def test_a_nul_byte_in_a_json_string_is_a_400(buyer, path, body):
    users = User.objects.count()

    response = api_client(buyer).post(path, body, format="json")

    assert_api_400(response)
    assert User.objects.count() == users
    assert not CartLine.objects.exists()


def test_a_nul_byte_in_a_json_message_is_a_400_and_posts_nothing(buyer, artist):
    response = api_client(buyer).post(
        "/api/v1/threads/",
        {"artist": artist.slug, "subject": "Hi", "text": "hello\x00"},
        format="json",
    )

    assert_api_400(response)
    assert not Message.objects.exists()


# ------------------------------------------------------ deeply nested JSON


@pytest.mark.parametrize(
    "path, method",
    [
        ("/api/v1/auth/register/", "post"),
        ("/api/v1/auth/token/", "post"),
    ],
)
def test_deep_json_to_an_anonymous_endpoint_is_a_400(path, method):
    users = User.objects.count()

    response = getattr(api_client(), method)(
        path, DEEP_JSON, content_type="application/json"
    )

    assert_api_400(response)
    assert User.objects.count() == users


@pytest.mark.parametrize(
    "path, method",
    [
        ("/api/v1/cart/", "patch"),
        ("/api/v1/cart/lines/", "post"),
        ("/api/v1/cart/discount/", "post"),
        ("/api/v1/checkout/", "post"),
        ("/api/v1/me/", "patch"),
        ("/api/v1/threads/", "post"),
    ],
)
def test_deep_json_to_a_buyer_endpoint_is_a_400(buyer, variant, path, method):
    response = getattr(api_client(buyer), method)(
        path, DEEP_JSON, content_type="application/json"
    )

    assert_api_400(response)
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/shop/", "/api/v1/shop/items/"])
def test_deep_json_to_an_artist_endpoint_is_a_400(artist, path):
    method = "patch" if path == "/api/v1/shop/" else "post"

    response = getattr(api_client(artist.user), method)(
        path, DEEP_JSON, content_type="application/json"
    )

    assert_api_400(response)


def test_json_deeper_than_the_limit_is_refused_before_any_serializer(buyer):
    body = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)

    response = api_client().post(
        "/api/v1/auth/token/", body, content_type="application/json"
    )

    assert_api_400(response)
    assert "nested" in response.json()["detail"]


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_api_view_parses_json_with_the_guarded_parser():
    """A view naming its parsers must name ours: DRF's own JSONParser lets a
    RecursionError through (a 500)."""
    unguarded = []
    for route, callback in _routes():
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        for parser in getattr(view, "parser_classes", []):
            handles_json = "json" in parser.media_type
            if handles_json and not issubclass(parser, JSONParser):
                unguarded.append(f"{route}: {view.__name__} {parser.__name__}")

    assert unguarded == []
