from django.apps import AppConfig


class LocalgenConfig(AppConfig):
    name = "localgen"
    verbose_name = "Local generation service"
