"""The Messages endpoints of api.md (thin doors to the services)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from artists.models import Artist, Item
from marketplace.errors import DomainError
from marketplace.parsers import JSONParser
from orders.selectors import artist_orders_visible_to
from returns.selectors import return_request_get_for_buyer

from . import selectors, services
from .models import MAX_PHOTOS_PER_MESSAGE, Message, Thread
from .ratelimit import MessageBurstExceeded, check_message_burst
from .rendering import message_text
from .selectors import Role
from .services import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH

# --- representations ------------------------------------------------------------


class ThreadSerializer(serializers.ModelSerializer):
    buyer = serializers.CharField(
        source="buyer.username",
        help_text="The buyer's username; for a support thread, whoever opened it.",
    )
    artist = serializers.CharField(
        source="artist.slug",
        allow_null=True,
        help_text="The shop's slug; null for a support thread.",
    )
    support = serializers.BooleanField(
        source="is_support",
        help_text="A thread with the marketplace team (POST support/).",
    )
    artist_order = serializers.IntegerField(
        source="artist_order_id",
        allow_null=True,
        help_text="The artist order's id, or null.",
    )
    return_request = serializers.SerializerMethodField(
        help_text="The id of the return request owning this thread, or null."
    )
    item = serializers.IntegerField(source="item_id", allow_null=True)
    subject = serializers.CharField(source="display_subject")
    unread = serializers.SerializerMethodField(
        help_text="Messages by others not read yet."
    )
    role = serializers.SerializerMethodField(
        help_text="The caller's side: buyer, artist or staff."
    )

    class Meta:
        model = Thread
        fields = [
            "id",
            "kind",
            "buyer",
            "artist",
            "support",
            "artist_order",
            "return_request",
            "item",
            "subject",
            "unread",
            "role",
            "created_at",
            "last_message_at",
        ]
        read_only_fields = fields

    def get_return_request(self, thread) -> int | None:
        if thread.is_support:
            return thread.support_return_request_id
        return_request = thread.return_request_or_none
        return return_request.pk if return_request is not None else None

    def get_unread(self, thread) -> int:
        if hasattr(thread, "unread"):
            return thread.unread
        user = self.context["request"].user
        return selectors.thread_unread_count(thread=thread, user=user)

    def get_role(self, thread) -> str:
        user = self.context["request"].user
        if thread.is_support and thread.buyer_id == user.pk:
            return thread.opened_as
        if thread.buyer_id == user.pk:
            return Role.BUYER
        if thread.artist_id and thread.artist.user_id == user.pk:
            return Role.ARTIST
        return "staff"


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(
        help_text="The author's username; null for a system message."
    )
    author_name = serializers.SerializerMethodField(
        help_text="How the author is shown: the shop's name for the artist, "
        "the marketplace team for staff."
    )
    body = serializers.SerializerMethodField(
        help_text="The text, in the caller's language for a system message; "
        "empty when hidden by the team."
    )
    photos = serializers.SerializerMethodField(
        help_text="URLs of the photos (private)."
    )
    staff = serializers.BooleanField(source="is_staff_post", read_only=True)
    hidden = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "author",
            "author_name",
            "body",
            "photos",
            "system",
            "event",
            "staff",
            "hidden",
            "created_at",
        ]
        read_only_fields = fields

    def _viewer(self):
        return self.context["request"].user

    def get_author(self, message) -> str | None:
        return message.author.username if message.author_id else None

    def get_author_name(self, message) -> str:
        if message.system:
            return pgettext("message label", "Update")
        if message.is_staff_post:
            return str(_("Atelier team"))
        thread = message.thread
        if thread.artist_id and message.author_id == thread.artist.user_id:
            return thread.artist.name
        if message.author_id == thread.buyer_id:
            return thread.buyer_name
        return message.author.get_full_name() or message.author.username

    def get_body(self, message) -> str:
        return message_text(message, viewer=self._viewer())

    def get_photos(self, message) -> list[str]:
        if message.hidden_at is not None and not self._viewer().is_staff:
            return []
        request = self.context["request"]
        return [
            request.build_absolute_uri(
                reverse("messaging:photo", kwargs={"pk": photo.pk})
            )
            for photo in message.photos.all()
        ]

    def get_hidden(self, message) -> bool:
        return message.hidden_at is not None


class ThreadDetailSerializer(ThreadSerializer):
    messages = serializers.SerializerMethodField()

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "messages"]
        read_only_fields = fields

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, thread) -> list[dict]:
        messages = self.context["messages"]
        return MessageSerializer(messages, many=True, context=self.context).data


# --- input ---------------------------------------------------------------------------


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=BODY_MAX_LENGTH,
        required=False,
        allow_blank=True,
        trim_whitespace=True,
    )
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False, use_url=False),
        required=False,
        max_length=MAX_PHOTOS_PER_MESSAGE,
        help_text="Up to 3 photos (multipart, repeat the field): JPEG, PNG or WebP.",
    )


class ThreadCreateSerializer(MessageCreateSerializer):
    artist = serializers.SlugField(help_text="The shop's slug.")
    artist_order = serializers.IntegerField(required=False, allow_null=True)
    return_request = serializers.IntegerField(required=False, allow_null=True)
    item = serializers.IntegerField(required=False, allow_null=True)
    subject = serializers.CharField(
        max_length=SUBJECT_MAX_LENGTH, required=False, allow_blank=True
    )


def _photos(request, data) -> list:
    """Photos sent as repeated multipart fields (``photos``)."""
    if hasattr(request.data, "getlist"):
        files = [f for f in request.FILES.getlist("photos") if f]
        if files:
            return files
    return list(data.get("photos") or [])


def _burst(request) -> None:
    try:
        check_message_burst(request)
    except MessageBurstExceeded as error:
        raise exceptions.Throttled(wait=error.wait, detail=error.message) from None


# --- views ---------------------------------------------------------------------------


ROLE_PARAMETER = OpenApiParameter(
    "as",
    OpenApiTypes.STR,
    enum=list(Role.CHOICES),
    description="Only the threads where the caller is the buyer, or the artist.",
)


@extend_schema_view(get=extend_schema(parameters=[ROLE_PARAMETER]))
class ThreadListView(generics.ListAPIView):
    """The caller's threads with their unread counts, unread ones first.
    A buyer writes to a shop with POST (the thread on the same topic is
    continued)."""

    serializer_class = ThreadSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        role = self.request.query_params.get("as")
        return selectors.threads_for_user(
            user=self.request.user, role=role if role in Role.CHOICES else None
        )

    @extend_schema(
        request={
            "application/json": ThreadCreateSerializer,
            "multipart/form-data": ThreadCreateSerializer,
        },
        responses={
            201: ThreadDetailSerializer,
            429: OpenApiResponse(description="Too many messages in a short time."),
        },
    )
    def post(self, request):
        serializer = ThreadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        artist = Artist.objects.filter(slug=data["artist"]).first()
        if artist is None:
            raise DomainError(
                _("There is no open shop at this address."), field="artist"
            )
        photos = _photos(request, data)
        _burst(request)
        if data.get("return_request"):
            thread = _post_about_return_request(request, artist, data, photos)
        elif data.get("artist_order"):
            artist_order = _buyer_artist_order(request.user, data["artist_order"])
            thread = services.thread_start(
                buyer=request.user,
                artist=artist,
                artist_order=artist_order,
                subject=data.get("subject", ""),
                body=data.get("body", ""),
                photos=photos,
            )
        else:
            item = None
            if data.get("item"):
                item = Item.objects.filter(pk=data["item"]).first()
                if item is None:
                    raise DomainError(
                        _("This item is not on sale in this shop."), field="item"
                    )
            thread = services.thread_start(
                buyer=request.user,
                artist=artist,
                item=item,
                subject=data.get("subject", ""),
                body=data.get("body", ""),
                photos=photos,
            )
        return _thread_response(request, thread, status_code=status.HTTP_201_CREATED)


def _buyer_artist_order(user, pk):
    artist_order = (
        artist_orders_visible_to(user=user, role="buyer")
        .prefetch_related(None)
        .filter(pk=pk)
        .first()
    )
    if artist_order is None:
        raise DomainError(_("This order is not one of yours."), field="artist_order")
    return artist_order


def _post_about_return_request(request, artist, data, photos) -> Thread:
    """Write in the thread of one of the buyer's return requests, through the
    returns app's scoped selector."""
    try:
        return_request = return_request_get_for_buyer(
            buyer=request.user, pk=data["return_request"]
        )
    except Exception:  # Http404 or DoesNotExist: not the buyer's
        raise DomainError(
            _("This return request is not one of yours."), field="return_request"
        ) from None
    if return_request.artist_order.artist_id != artist.pk:
        raise DomainError(
            _("This return request is not about this shop."), field="return_request"
        )
    message = services.return_request_message_post(
        return_request=return_request,
        author=request.user,
        body=data.get("body", ""),
        photos=photos,
    )
    return message.thread


def _thread_response(request, thread, *, status_code=status.HTTP_200_OK) -> Response:
    thread = selectors.thread_get_for_user(user=request.user, pk=thread.pk)
    services.thread_mark_read(thread=thread, user=request.user)
    context = {
        "request": request,
        "messages": list(selectors.thread_messages(thread=thread)),
    }
    thread.unread = 0
    return Response(
        ThreadDetailSerializer(thread, context=context).data, status=status_code
    )


class ThreadDetailView(APIView):
    """A thread and its messages (participants and staff); reading it marks
    it read for the caller."""

    @extend_schema(responses=ThreadDetailSerializer)
    def get(self, request, pk):
        thread = selectors.thread_get_for_user(user=request.user, pk=pk)
        return _thread_response(request, thread)


class ThreadMessagesView(APIView):
    """Write in a thread (participants; staff posts are shown as the team)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "application/json": MessageCreateSerializer,
            "multipart/form-data": MessageCreateSerializer,
        },
        responses={
            201: MessageSerializer,
            429: OpenApiResponse(description="Too many messages in a short time."),
        },
    )
    def post(self, request, pk):
        thread = selectors.thread_get_for_user(user=request.user, pk=pk)
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        photos = _photos(request, data)
        _burst(request)
        message = services.message_post(
            thread=thread, author=request.user, body=data.get("body", ""), photos=photos
        )
        message = selectors.thread_messages(thread=thread).get(pk=message.pk)
        return Response(
            MessageSerializer(message, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


# --- support ------------------------------------------------------------------------


class SupportCreateSerializer(MessageCreateSerializer):
    subject = serializers.CharField(max_length=SUBJECT_MAX_LENGTH)
    artist_order = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="One of the caller's artist orders (as its buyer or its artist).",
    )
    return_request = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="One of the caller's return requests (as its buyer or its artist).",
    )
    # A string checked below, not a ChoiceField: its enum would be a second
    # name for the choice set of the sign-up's ``role`` (RoleEnum).
    side = serializers.CharField(
        required=False,
        help_text="`buyer` or `artist`. Without an order or a return request: "
        "write as a buyer (default) or as the artist of one's shop.",
    )

    def validate_side(self, value):
        if value not in Role.CHOICES:
            raise serializers.ValidationError(_("Choose buyer or artist."))
        return value


class SupportView(APIView):
    """A buyer or an artist writes to the marketplace team: a new support
    thread (``support: true``), answered by staff; replies go through
    ``threads/{id}/messages/``."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "application/json": SupportCreateSerializer,
            "multipart/form-data": SupportCreateSerializer,
        },
        responses={
            201: ThreadDetailSerializer,
            429: OpenApiResponse(description="Too many messages in a short time."),
        },
    )
    def post(self, request):
        serializer = SupportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        artist_order, return_request = selectors.support_about(
            user=request.user,
            artist_order=data.get("artist_order"),
            return_request=data.get("return_request"),
        )
        photos = _photos(request, data)
        _burst(request)
        thread = services.support_thread_open(
            opener=request.user,
            subject=data["subject"],
            body=data.get("body", ""),
            photos=photos,
            artist_order=artist_order,
            return_request=return_request,
            side=data.get("side"),
        )
        return _thread_response(request, thread, status_code=status.HTTP_201_CREATED)
