from django.contrib import admin

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made on the person's settings page or with manage.py create_api_token; here, seen and revoked."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "token_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
