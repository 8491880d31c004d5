"""Accounts API: register, obtain a token, read and change my profile."""

from django.contrib.auth import authenticate, logout
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from artists.selectors import artist_for_user

from .email_change import email_change_cancel, email_change_confirm
from .lockout import lockout_message
from .models import Language, User
from .ratelimit import SIGNUP_SCOPE, SignupThrottle, signup_throttled_message
from .services import Role, user_register, user_update_profile

# Token first: an anonymous request then gets 401 with a WWW-Authenticate
# header (api.md), not the 403 that SessionAuthentication would give.


class AccountSerializer(serializers.ModelSerializer):
    is_artist = serializers.SerializerMethodField()
    artist = serializers.SerializerMethodField(
        help_text="The slug of the user's shop, or null."
    )
    pending_email = serializers.SerializerMethodField(
        help_text="A new email address waiting to be confirmed from the link "
        "sent to it, or null."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "language",
            "is_artist",
            "artist",
            "is_staff",
            "pending_email",
        ]
        read_only_fields = fields

    def get_is_artist(self, user) -> bool:
        return user.is_artist

    def get_artist(self, user) -> str | None:
        artist = artist_for_user(user)
        return artist.slug if artist is not None else None

    def get_pending_email(self, user) -> str | None:
        return user.pending_email or None


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=150, validators=[UnicodeUsernameValidator()]
    )
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.EN)
    role = serializers.ChoiceField(
        choices=[(Role.BUYER, _("buyer")), (Role.ARTIST, _("artist"))],
        default=Role.BUYER,
    )
    shop_name = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="Required for an artist.",
    )


class AuthTokenSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, write_only=True)

    def validate(self, attrs):
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            if getattr(self.context.get("request"), "axes_locked_out", False):
                # django-axes locked this username out from this address.
                raise exceptions.Throttled(detail=lockout_message())
            raise serializers.ValidationError(
                _("Unable to log in with the username and password provided."),
                code="authorization",
            )
        attrs["user"] = user
        return attrs


class ProfileUpdateSerializer(serializers.Serializer):
    email = serializers.EmailField(
        required=False,
        help_text="A new address is not set at once: a confirmation link is "
        "sent to it (see pending_email), and the current address is told.",
    )
    current_password = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        trim_whitespace=False,
        help_text="Required to change the email address.",
    )
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)


class RegisterView(APIView):
    """Create a buyer or artist account (an artist's shop awaits approval).

    The answer does not tell whether the email already has an account (that
    account's owner is told by email). At most ``SIGNUP_RATE`` attempts per
    client address, shared with the sign-up page: beyond, 429 with
    ``Retry-After``."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [SignupThrottle]
    throttle_scope = SIGNUP_SCOPE

    def throttled(self, request, wait):
        error = exceptions.Throttled(wait=wait)
        error.detail = exceptions.ErrorDetail(
            signup_throttled_message(wait), code=error.default_code
        )
        raise error

    @extend_schema(request=RegisterSerializer, responses={201: AccountSerializer})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = user_register(
            username=data["username"],
            email=data["email"],
            password=data["password"],
            language=data["language"],
            role=data["role"],
            shop_name=data.get("shop_name") if data["role"] == Role.ARTIST else None,
        )
        return Response(AccountSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("AuthToken", {"token": serializers.CharField()})
        },
    )
    def post(self, request):
        serializer = AuthTokenSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(
            user=serializer.validated_data["user"]
        )
        return Response({"token": token.key})


class MeView(APIView):
    """The logged-in user: read, or change email, names and language."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AccountSerializer)
    def get(self, request):
        return Response(AccountSerializer(request.user).data)

    @extend_schema(request=ProfileUpdateSerializer, responses=AccountSerializer)
    def patch(self, request):
        serializer = ProfileUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = user_update_profile(user=request.user, **serializer.validated_data)
        return Response(AccountSerializer(user).data)


class LogoutView(APIView):
    """Log out: revoke the API token the request presents (a session is
    ended instead)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, Token):
            request.auth.delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="The token of the link sent to the new address."
    )


class EmailConfirmView(APIView):
    """Confirm an email change with the token of the link sent to the new
    address (the same check as the link's page)."""

    @extend_schema(request=EmailConfirmSerializer, responses=AccountSerializer)
    def post(self, request):
        serializer = EmailConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = email_change_confirm(
            user=request.user, token=serializer.validated_data["token"]
        )
        return Response(AccountSerializer(user).data)


class EmailCancelView(APIView):
    """Cancel a pending email change: its link stops working."""

    @extend_schema(request=None, responses=AccountSerializer)
    def post(self, request):
        user = email_change_cancel(user=request.user)
        return Response(AccountSerializer(user).data)
