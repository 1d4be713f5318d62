"""The app's URLs plus views that fail on purpose, to see the error pages people would get."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from musicgen.urls import urlpatterns as app_urlpatterns


def failing_view(request):
    raise RuntimeError("internal detail that must not reach the page")


def forbidden_view(request):
    raise PermissionDenied("internal reason that must not reach the page")


urlpatterns = [
    path("test-failure/", failing_view),
    path("test-forbidden/", forbidden_view),
    *app_urlpatterns,
]
