from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from jobs.files import reference_name_from_generator_token, stored_file_response
from jobs.models import Job


@login_required
def history(request):
    return render(request, "jobs/history.html", {"jobs": Job.objects.filter(owner=request.user)[:50]})


@login_required
def detail(request, job_id):
    job = get_object_or_404(Job, id=job_id, owner=request.user)
    return render(request, "jobs/detail.html", {"job": job})


def reference_for_generator(request, token):
    name = reference_name_from_generator_token(token)
    if name is None:
        raise Http404("This reference link is invalid or has expired.")
    return stored_file_response(request, name)
