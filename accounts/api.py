"""Accounts API: register, obtain a token, read and change my profile."""

from django.contrib.auth import authenticate
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from artists.selectors import artist_for_user

from .lockout import lockout_message
from .models import Language, User
from .services import Role, user_register, user_update_profile

# Token first: an anonymous request then gets 401 with a WWW-Authenticate
# header (api.md), not the 403 that SessionAuthentication would give.


class AccountSerializer(serializers.ModelSerializer):
    is_artist = serializers.SerializerMethodField()
    artist = serializers.SerializerMethodField(
        help_text="The slug of the user's shop, or null."
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
        ]
        read_only_fields = fields

    def get_is_artist(self, user) -> bool:
        return user.is_artist

    def get_artist(self, user) -> str | None:
        artist = artist_for_user(user)
        return artist.slug if artist is not None else None


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
    email = serializers.EmailField(required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)


class RegisterView(APIView):
    """Create a buyer or artist account (an artist's shop awaits approval)."""

    permission_classes = [AllowAny]
    authentication_classes = []

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
