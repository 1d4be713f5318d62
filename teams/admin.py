from django.contrib import admin

from teams.models import Invitation, Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "team__name"]
    list_select_related = ["user", "team"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Links are made on the team page (the token is shown once there); here they can be seen and revoked."""

    list_display = ["token_hint", "team", "created_by", "uses", "max_uses", "expires_at", "revoked_at"]
    list_select_related = ["team", "created_by"]
    readonly_fields = ["team", "token_hash", "token_hint", "created_by", "created_at", "uses"]

    def has_add_permission(self, request):
        return False
