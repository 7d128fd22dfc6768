"""POST /api/v1/auth/token/: a username and password for the user's API token.

DRF's ObtainAuthToken calls django.contrib.auth.authenticate with the request, so the
django-axes lockout counts these logins like the admin form's. Axes marks the DRF request
(not the HttpRequest its middleware sees), so this view answers a lockout itself: 429 with the
project's error body and Retry-After.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from config.abuse import LoginLockedOut, lockout_seconds


class TokenRequestSerializer(AuthTokenSerializer):
    # Bounded like the user model's field: a longer name can't exist and would not fit the
    # lockout's record of failed attempts either.
    username = serializers.CharField(
        label=AuthTokenSerializer().fields["username"].label,
        max_length=get_user_model()._meta.get_field("username").max_length,
        write_only=True,
    )
    password = serializers.CharField(
        label=AuthTokenSerializer().fields["password"].label,
        style={"input_type": "password"},
        trim_whitespace=False,
        max_length=4096,  # hashing megabytes of "password" is work for nothing
        write_only=True,
    )
    token = None  # the answer's field, not the request's


def _error_body(name: str) -> Any:
    return inline_serializer(
        name=name,
        fields={
            "error": inline_serializer(
                name=f"{name}Detail",
                fields={
                    "status": serializers.IntegerField(),
                    "code": serializers.CharField(),
                    "message": serializers.CharField(),
                    "fields": serializers.DictField(child=serializers.ListField()),
                },
            )
        },
    )


ERROR_BODY = _error_body("AuthTokenError")


class ObtainTokenView(ObtainAuthToken):
    authentication_classes = ()  # the credentials are in the body; a stale header is no matter
    throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # the project's guarded JSON parser
    serializer_class = TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange a username and password for the user's API token",
        description=(
            "Send the token back as `Authorization: Token <key>`. Repeated failures lock the "
            "username and the address out for a while (429 with Retry-After)."
        ),
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(name="AuthToken", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(ERROR_BODY, "Wrong or missing credentials"),
            429: OpenApiResponse(ERROR_BODY, "Too many failed logins or requests"),
        },
        tags=["auth"],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # Set by django-axes on this (DRF) request when the login was refused or made the
            # count reach the limit.
            if getattr(request, "axes_locked_out", False):
                raise LoginLockedOut(lockout_seconds(request))
            raise serializers.ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
