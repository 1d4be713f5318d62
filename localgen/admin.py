from django.contrib import admin

from localgen.models import Analysis, Generation, GenerationKey


@admin.register(GenerationKey)
class GenerationKeyAdmin(admin.ModelAdmin):
    """Keys are made with `manage.py create_generation_key`; here they can be seen and revoked (deleted)."""

    list_display = ["name", "prefix", "created_at"]
    fields = ["name", "prefix", "created_at"]
    readonly_fields = ["prefix", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    list_display = ["id", "key", "model", "status", "created_at", "started_at", "finished_at", "song_duration"]
    list_filter = ["status", "model", "key"]
    readonly_fields = [field.name for field in Generation._meta.fields]


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ["id", "key", "status", "created_at", "finished_at"]
    list_filter = ["status", "key"]
    readonly_fields = [field.name for field in Analysis._meta.fields]
