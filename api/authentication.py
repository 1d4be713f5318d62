from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.tokens import api_token_for, api_token_touch


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` with a personal API token; no header means "not this way"."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as `Authorization: Bearer <token>`, with no spaces in it."
            )
        api_token = api_token_for(header[1])
        if api_token is None or not api_token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "This API token is unknown or was revoked; create a new one on your API tokens page."
            )
        api_token_touch(api_token)
        return api_token.user, api_token

    def authenticate_header(self, request):
        return self.keyword  # makes a missing or bad token answer 401, not 403


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token (Settings → API tokens)."}
