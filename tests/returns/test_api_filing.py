"""Filing a return request through the API: multipart with photos, the
exchange's replacement, and what is refused."""

import pytest

from returns.models import ReturnPhoto, ReturnRequest

from .factories import jpeg_upload
from .helpers import client_for


class TestFilingARequest:
    def test_a_damaged_piece_with_a_photo_becomes_a_requested_return_the_artist_is_told_of(
        self, buyer_api, line, artist, django_capture_on_commit_callbacks, mailoutbox
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_api.post(
                "/api/v1/returns/",
                {
                    "line": line.pk,
                    "quantity": 1,
                    "kind": "return",
                    "reason": "damaged",
                    "comment": "Cracked in the box.",
                    "photos": [jpeg_upload("crack.jpg"), jpeg_upload("box.jpg")],
                },
                format="multipart",
            )

        assert response.status_code == 201, response.content
        body = response.json()
        assert body["state"] == "requested"
        assert (body["line"], body["quantity"], body["reason"]) == (
            line.pk,
            1,
            "damaged",
        )
        assert body["artist_order"] == line.artist_order_id
        assert len(body["photos"]) == 2
        assert all("/api/v1/returns/" in photo for photo in body["photos"])
        assert [h["to"] for h in body["history"]] == ["requested"]
        assert set(body["allowed_actions"]) == {"withdraw"}
        assert body["thread"] is not None
        assert ReturnPhoto.objects.filter(request_id=body["id"]).count() == 2
        assert [m.to for m in mailoutbox] == [[artist.user.email]]

    def test_an_exchange_names_a_piece_of_the_same_artist(
        self, buyer_api, line, artist
    ):
        from .factories import make_variant

        blue = make_variant(artist, price="30.00")

        response = buyer_api.post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "exchange",
                "reason": "wrong_size",
                "desired_replacement": f"variant:{blue.pk}",
            },
            format="multipart",
        )

        assert response.status_code == 201, response.content
        assert response.json()["desired_variant"] == blue.pk
        assert blue.item.title in response.json()["desired_replacement"]

    def test_an_exchange_may_describe_the_replacement_in_free_text(
        self, buyer_api, line
    ):
        response = buyer_api.post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "exchange",
                "reason": "wrong_size",
                "desired_replacement": "The same bowl, one size up",
            },
            format="multipart",
        )

        assert response.status_code == 201, response.content
        assert response.json()["desired_replacement"] == "The same bowl, one size up"

    def test_a_piece_of_another_artist_is_refused_as_replacement(
        self, buyer_api, line, other_artist
    ):
        from .factories import make_variant

        elsewhere = make_variant(other_artist)

        response = buyer_api.post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "exchange",
                "reason": "wrong_size",
                "desired_replacement": f"variant:{elsewhere.pk}",
            },
            format="multipart",
        )

        assert response.status_code == 400
        assert "desired_replacement" in response.json()
        assert not ReturnRequest.objects.exists()

    @pytest.mark.parametrize("reason", ["wrong_item", "damaged", "non_compliant"])
    def test_an_artist_fault_without_a_photo_is_a_400_and_nothing_is_stored(
        self, buyer_api, line, reason
    ):
        response = buyer_api.post(
            "/api/v1/returns/",
            {"line": line.pk, "quantity": 1, "kind": "return", "reason": reason},
            format="multipart",
        )

        assert response.status_code == 400
        assert "photos" in response.json()
        assert not ReturnRequest.objects.exists()

    def test_a_line_of_another_buyer_is_a_400_on_line(self, line, other_buyer):
        response = client_for(other_buyer).post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 1,
                "kind": "return",
                "reason": "changed_mind",
            },
            format="multipart",
        )

        assert response.status_code == 400
        assert "line" in response.json()
        assert not ReturnRequest.objects.exists()

    def test_more_than_bought_is_a_400_on_quantity(self, buyer_api, line):
        response = buyer_api.post(
            "/api/v1/returns/",
            {
                "line": line.pk,
                "quantity": 3,
                "kind": "return",
                "reason": "changed_mind",
            },
            format="multipart",
        )

        assert response.status_code == 400
        assert "quantity" in response.json()

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"quantity": 1, "kind": "return", "reason": "changed_mind"}, "line"),
            ({"quantity": 0, "kind": "return", "reason": "changed_mind"}, "quantity"),
            ({"quantity": 1, "kind": "swap", "reason": "changed_mind"}, "kind"),
            ({"quantity": 1, "kind": "return", "reason": "bored"}, "reason"),
            (
                {"quantity": "two", "kind": "return", "reason": "changed_mind"},
                "quantity",
            ),
        ],
    )
    def test_malformed_input_is_a_400_with_the_field(
        self, buyer_api, line, body, field
    ):
        if field != "line":
            body = {"line": line.pk, **body}

        response = buyer_api.post("/api/v1/returns/", body, format="multipart")

        assert response.status_code == 400
        assert field in response.json()
        assert not ReturnRequest.objects.exists()
