"""A multipart ``PATCH shop/`` (issue 19, 13): the terms of sale (and the
holiday) sent as a JSON object in one field, or as dotted fields, are saved;
anything else answers 400 saying how to send them and changes nothing."""

import json
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db

SHOP = "/api/v1/shop/"


def patch(client, data):
    return client.patch(SHOP, data, format="multipart")


def test_terms_sent_as_a_json_object_are_saved(artist_api, artist):
    response = patch(
        artist_api,
        {
            "story": "Wood-fired stoneware.",
            "terms": json.dumps(
                {
                    "return_window_days": 21,
                    "accepts_exchanges": False,
                    "shipping_fees": {"eu": "11.50"},
                    "free_shipping_over": "60",
                }
            ),
        },
    )

    assert response.status_code == 200, response.json()
    terms = response.json()["terms"]
    assert terms["return_window_days"] == 21
    assert terms["accepts_exchanges"] is False
    assert terms["shipping_fees"]["eu"] == "11.50"
    assert terms["free_shipping_over"] == "60.00"
    artist.refresh_from_db()
    assert artist.story == "Wood-fired stoneware."
    assert artist.return_window_days == 21
    assert artist.shipping_eu == Decimal("11.50")
    assert artist.shipping_domestic == Decimal("5.00")  # untouched


def test_terms_sent_as_dotted_fields_are_saved(artist_api, artist):
    response = patch(
        artist_api,
        {"terms.processing_days": "5", "terms.shipping_fees.world": "25"},
    )

    assert response.status_code == 200, response.json()
    artist.refresh_from_db()
    assert artist.processing_days == 5
    assert artist.shipping_world == Decimal("25.00")


@pytest.mark.parametrize(
    "terms",
    ["return_window_days=21", "[21]", '"21"', "", "null"],
    ids=["not-json", "a-list", "a-string", "empty", "null"],
)
def test_terms_that_are_not_a_json_object_answer_400_and_change_nothing(
    artist_api, artist, terms
):
    response = patch(artist_api, {"story": "Changed.", "terms": terms})

    assert response.status_code == 400
    message = response.json()["terms"][0]
    assert "JSON object" in message
    assert "terms.return_window_days" in message
    artist.refresh_from_db()
    assert artist.story != "Changed."


def test_json_and_dotted_terms_together_answer_400(artist_api, artist):
    response = patch(
        artist_api,
        {
            "terms": json.dumps({"return_window_days": 21}),
            "terms.processing_days": "5",
        },
    )

    assert response.status_code == 400
    assert "not both" in response.json()["terms"][0]
    artist.refresh_from_db()
    assert artist.return_window_days != 21
    assert artist.processing_days != 5


def test_invalid_terms_in_the_json_object_are_field_errors(artist_api, artist):
    response = patch(artist_api, {"terms": json.dumps({"return_window_days": -1})})

    assert response.status_code == 400
    assert "return_window_days" in response.json()["terms"]


def test_a_holiday_sent_as_a_json_object_is_saved(artist_api, artist):
    response = patch(
        artist_api,
        {"holiday": json.dumps({"start_date": "2030-08-01", "end_date": "2030-08-20"})},
    )

    assert response.status_code == 200, response.json()
    artist.refresh_from_db()
    assert str(artist.holiday_end_date) == "2030-08-20"


def test_json_requests_work_as_before(artist_api, artist):
    response = artist_api.patch(SHOP, {"terms": {"processing_days": 4}}, format="json")

    assert response.status_code == 200
    artist.refresh_from_db()
    assert artist.processing_days == 4


@pytest.mark.parametrize(
    "terms",
    [
        "[" * 5000,
        '{"a": ' * 100 + "1" + "}" * 100,
        '{"return_postage_paid_by": "\\u0000"}',
    ],
    ids=["deep-array", "deep-object", "nul"],
)
def test_hostile_json_in_terms_is_a_400(artist_api, artist, terms):
    response = patch(artist_api, {"terms": terms})

    assert response.status_code == 400
    artist.refresh_from_db()
    assert artist.return_postage_paid_by in ("buyer", "artist")
