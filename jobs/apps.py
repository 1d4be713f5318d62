from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Generations"

    def ready(self):
        from jobs import checks  # noqa: F401  (registers the system checks)
