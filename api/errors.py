from django.http import Http404
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's answers, with our sentence for a 404: Django's own names the model and says nothing useful."""
    if isinstance(exc, Http404):
        exc = Http404("There is nothing of that id that you can see; check the id, or GET /api/jobs/ to list yours.")
    return drf_exception_handler(exc, context)
