from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from teams import signals  # noqa: F401  (every new account gets a personal team)
