"""The shapes of the review endpoints of api.md."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import rules
from .models import Review

PHOTOS_HELP = (
    "Repeat the field (multipart): at most 5 photos, JPEG, PNG or WebP, at most "
    "10 MB each; cleaned of their metadata."
)


class ReviewSerializer(serializers.ModelSerializer):
    """A review as everyone sees it."""

    item = serializers.IntegerField(source="item_id", read_only=True)
    item_title = serializers.CharField(source="item.title", read_only=True)
    artist = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "item",
            "item_title",
            "artist",
            "author",
            "rating",
            "text",
            "photos",
            "answer",
            "answered_at",
            "created_at",
            "edited_at",
        ]
        read_only_fields = fields

    def get_author(self, review) -> str:
        """The author's first name (their username without one)."""
        return review.buyer.first_name or review.buyer.get_username()

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_photos(self, review) -> list[str]:
        request = self.context.get("request")
        urls = [photo.get_absolute_url() for photo in review.photos.all()]
        return [request.build_absolute_uri(url) for url in urls] if request else urls


class OwnReviewSerializer(ReviewSerializer):
    """A review as its author sees it: with its line, until when it can be
    edited, and whether staff hid it (and why)."""

    line = serializers.IntegerField(source="line_id", read_only=True)
    hidden = serializers.BooleanField(source="is_hidden", read_only=True)
    editable_until = serializers.SerializerMethodField()

    class Meta(ReviewSerializer.Meta):
        fields = [
            *ReviewSerializer.Meta.fields,
            "line",
            "hidden",
            "hidden_reason",
            "editable_until",
        ]
        read_only_fields = fields

    def get_editable_until(self, review) -> dt.datetime:
        """The last moment its author may edit it."""
        return rules.edit_until(review)


class ReviewCreateSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="An order line of yours, delivered.")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=rules.TEXT_MAX_LENGTH)
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False, use_url=False),
        required=False,
        help_text=PHOTOS_HELP,
    )


class ReviewEditSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    text = serializers.CharField(max_length=rules.TEXT_MAX_LENGTH, required=False)
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False, use_url=False),
        required=False,
        help_text="Added to the review's photos. " + PHOTOS_HELP,
    )
    remove_photos = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids of the review's photos to remove.",
    )


class AnswerSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=rules.ANSWER_MAX_LENGTH)
