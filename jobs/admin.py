from django.contrib import admin, messages

from jobs import flow
from jobs.models import DraftReference, Job, JobEvent, ShareLink


class JobEventInline(admin.TabularInline):
    model = JobEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "attempt", "from_status", "to_status", "note"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-mostly: statuses change only through jobs/flow.py, never by editing a row here."""

    list_display = ["__str__", "owner", "model", "status", "upstream_status", "attempt", "created_at"]
    list_filter = ["status", "model"]
    search_fields = ["prompt", "style", "owner__username", "generation_id"]
    list_select_related = ["owner"]
    readonly_fields = [field.name for field in Job._meta.fields if field.name != "song_peaks"]
    exclude = ["song_peaks"]  # ~800 numbers: noise on this page
    inlines = [JobEventInline]
    actions = ["retry_jobs", "cancel_jobs"]

    @admin.action(description="Retry the selected failed or cancelled jobs")
    def retry_jobs(self, request, queryset):
        self._report(request, queryset, flow.job_retry, "sent again as a new attempt", "were not failed or cancelled")

    @admin.action(description="Cancel the selected queued or generating jobs")
    def cancel_jobs(self, request, queryset):
        self._report(request, queryset, flow.job_cancel, "cancelled", "were not queued or generating")

    def _report(self, request, queryset, transition, moved_words, skipped_reason):
        # Each job goes through the flow's own transition, so a job that moved meanwhile is left alone.
        selected = list(queryset)
        moved = sum(1 for job in selected if transition(job, by=request.user))
        message = f"{moved} of {len(selected)} selected jobs {moved_words}."
        if moved < len(selected):
            message += f" The other {len(selected) - moved} {skipped_reason}."
        self.message_user(request, message, messages.SUCCESS if moved else messages.WARNING)


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["token_hint", "job", "created_by", "created_at", "expires_at", "offers_stems"]
    list_select_related = ["job", "created_by"]
    readonly_fields = ["job", "token_hash", "token_hint", "created_by", "created_at"]


@admin.register(DraftReference)
class DraftReferenceAdmin(admin.ModelAdmin):
    """Read-only: drafts are made by the new-song page and removed by a job or the sweeper (jobs/drafts.py)."""

    list_display = ["reference_name", "owner", "analysis_status", "created_at", "expires_at"]
    list_filter = ["analysis_status"]
    list_select_related = ["owner"]
    readonly_fields = [field.name for field in DraftReference._meta.fields]
