"""Pages: check who asks, validate, call a service (jobs/services.py, jobs/sharing.py, jobs/drafts.py) or a
selector, render.

Every job view looks the job up through `selectors.job_for_viewer` (see, play, share) or
`selectors.job_for_manager` (cancel, retry, delete, pick, revoke), which hold the access rules: a job of a
team the person is not in answers 404 exactly like an unknown one. Share views need no login: the
token is the permission.
"""

import functools
import json
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from generation import catalogue, sections
from generation.prompt import MARKER
from jobs import drafts, selectors, services, sharing
from jobs.downloads import lrc_response, song_response, stem_response
from jobs.drafts import DraftUnavailable
from jobs.files import reference_name_from_generator_token
from jobs.forms import DraftReferenceForm, HistoryFilterForm, JobCreateForm, ShareLinkCreateForm
from jobs.models import DraftReference
from plumbing.errors import ExplainedError
from plumbing.file_responses import stored_file_response
from plumbing.pagination import OneQueryPaginator
from plumbing.ratelimit import PerClientLimit
from teams import selectors as team_selectors

SHARE_REQUESTS_PER_MINUTE = 60
SHARE_REQUESTS = PerClientLimit("share-requests", limit=SHARE_REQUESTS_PER_MINUTE, window_seconds=60)
# Songs, references and share pages may be someone's unreleased work: no shared cache (a proxy, a
# CDN) may keep them, and the browser keeps no copy on disk once a link is revoked.
never_stored = cache_control(private=True, no_store=True)


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def redirect_page(request, url):
    """Send the browser to `url`: a full page load for htmx requests too, not a swap."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# --- history ------------------------------------------------------------------------------------


@login_required
@require_GET
def history(request):
    filter_form = HistoryFilterForm(request.GET, teams=team_selectors.teams_of(request.user))
    jobs = selectors.job_history(user=request.user, **filter_form.filters())
    page = OneQueryPaginator(jobs, selectors.HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    is_filtered = any(request.GET.get(name) for name in filter_form.fields)
    return render(request, "jobs/history.html", {"page": page, "filter_form": filter_form, "is_filtered": is_filtered})


# --- a new job ----------------------------------------------------------------------------------


@login_required
def job_new(request):
    """The upload form. `?from=<job id>` (or `reuse_reference_of` on POST) starts from an earlier job."""
    earlier_job_id = request.POST.get("reuse_reference_of") or request.GET.get("from")
    earlier_job = _earlier_job(request.user, earlier_job_id)
    if request.method != "POST":
        form = JobCreateForm(initial=_settings_of(earlier_job), user=request.user, reusable_reference_job=earlier_job)
        return render(request, "jobs/new.html", _new_page_context(form, earlier_job))
    form = JobCreateForm(request.POST, request.FILES, user=request.user, reusable_reference_job=earlier_job)
    if form.is_valid():
        try:
            job = services.song_start(owner=request.user, **form.song_start_arguments())
        except DraftUnavailable as refusal:
            form.add_error("draft_reference", refusal.message)
        except services.EarlierReferenceUnusable as refusal:
            form.add_error("reference_track", refusal.message)
        else:
            return redirect_page(request, job.get_absolute_url())
    return render(request, "jobs/new.html", _new_page_context(form, earlier_job))


def _settings_of(job):
    """The form's initial values to make a song like `job` again ("Use these settings again")."""
    if job is None:
        return {}
    setting = job.audio_setting or {}
    return {
        "model": job.model,
        "prompt": job.prompt,
        "style": job.style,
        "is_instrumental": job.is_instrumental,
        "lyrics_optimizer": job.lyrics_optimizer,
        "audio_format": setting.get("format", ""),
        "sample_rate": setting.get("sample_rate"),
        "bitrate": setting.get("bitrate"),
    }


def _new_page_context(form, earlier_job):
    """The page's context; a draft the form was sent with stays chosen when the page comes back with errors."""
    draft = form.cleaned_data.get("draft_reference") if hasattr(form, "cleaned_data") else None
    return {
        "form": form,
        "earlier_job": earlier_job,
        "draft": draft,
        "intro_outro_marker": MARKER,
        "model_rules": [catalogue.MODELS[name].as_json() for name in settings.MUSICGEN_API_MODELS],
        "section_tags": sections.SECTION_TAGS,
    }


def _earlier_job(owner, job_id):
    if not job_id:
        return None
    try:
        return selectors.job_for_viewer(owner, job_id)
    except (Http404, ValidationError):  # someone else's, unknown, or not a job id at all
        return None


@login_required
@require_POST
def draft_create(request):
    """Store a chosen file once, as the person's draft reference, and show what was measured in it.

    The page's script sends the file here as soon as it is chosen; the form then sends only the
    draft's id. The generator's analysis is asked for on the app worker, and the fragment polls for it.
    """
    form = DraftReferenceForm(request.POST, request.FILES)
    if not form.is_valid():
        error = form.errors["reference_track"][0]
        return render(request, "jobs/_reference_analysis.html", {"error": error}, status=422)
    draft = drafts.draft_reference_create(
        owner=request.user, reference_track=form.cleaned_data["reference_track"], reference_info=form.reference_info
    )
    return render(request, "jobs/_reference_analysis.html", {"draft": draft}, status=201)


@login_required
@require_GET
def draft_analysis(request, draft_id):
    """The polled fragment with what the generator hears in the person's draft; it stops polling once over."""
    draft = get_object_or_404(DraftReference, id=draft_id, owner=request.user)
    return render(request, "jobs/_draft_analysis.html", {"draft": draft})


# --- one job ------------------------------------------------------------------------------------


def _job_page_context(request, job, **extra):
    can_manage = selectors.can_manage(request.user, job)
    return {
        "job": job,
        "can_manage": can_manage,
        "versions": [
            _version_context(version, is_this_page=version.id == job.id, can_manage=can_manage)
            for version in selectors.versions_of(job)
        ],
        "queue_position": selectors.queue_position(job),
        "events": job.events.all(),
        "share_links": selectors.share_links_of(job),
        "share_form": ShareLinkCreateForm(),
        **extra,
    }


@login_required
@require_GET
def detail(request, job_id):
    job = selectors.job_for_viewer(request.user, job_id)
    return render(request, "jobs/detail.html", _job_page_context(request, job))


@login_required
@require_GET
def status(request, job_id):
    """The polled status fragment. When a polled job has just finished, the whole job body is swapped in."""
    job = selectors.job_for_viewer(request.user, job_id)
    if is_htmx(request) and job.is_final:
        response = render(request, "jobs/_job_body.html", _job_page_context(request, job))
        response["HX-Retarget"] = "#job-body"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Trigger"] = json.dumps({"job-finished": {"status": job.status, "title": job.first_line}})
        return response
    context = {
        "job": job,
        "queue_position": selectors.queue_position(job),
        "can_manage": selectors.can_manage(request.user, job),
    }
    return render(request, "jobs/_job_status.html", context)


def _version_context(version, *, is_this_page, can_manage):
    """One card of the job page's versions block; the page's own job is polled by its status, not its card."""
    return {"job": version, "is_this_page": is_this_page, "can_manage": can_manage}


@login_required
@require_GET
def version_card(request, job_id):
    """The polled card of one version on a sibling's page: its status while moving, its player once finished."""
    job = selectors.job_for_viewer(request.user, job_id)
    context = {"version": _version_context(job, is_this_page=False, can_manage=selectors.can_manage(request.user, job))}
    return render(request, "jobs/_version_card.html", context)


@login_required
@require_POST
def pick(request, job_id):
    """Mark a finished version as the pick among its siblings."""
    job = selectors.job_for_manager(request.user, job_id)
    return _act_on_job(request, job, services.job_pick, f"Version {job.version_number} is the pick.")


@login_required
@require_POST
def cancel(request, job_id):
    return _act_on_job(request, selectors.job_for_manager(request.user, job_id), services.job_cancel)


@login_required
@require_POST
def retry(request, job_id):
    return _act_on_job(request, selectors.job_for_manager(request.user, job_id), services.job_retry)


def _act_on_job(request, job, action, done_message=None):
    """Run a service on a job the person manages, then show the job; a refusal says why on its page."""
    try:
        action(job=job, by=request.user)
    except ExplainedError as refusal:
        messages.error(request, refusal.message)
    else:
        if done_message:
            messages.success(request, done_message)
    return redirect(job)


@login_required
def delete(request, job_id):
    """Ask first (GET), then delete the job with its files and share links (POST)."""
    job = selectors.job_for_manager(request.user, job_id)
    if request.method != "POST":
        return render(request, "jobs/delete.html", {"job": job})
    try:
        services.job_delete(job=job)
    except services.JobNotDeletable as refusal:
        messages.error(request, refusal.message)
        return redirect(job)
    messages.success(request, f"“{job.first_line or 'Untitled'}” was deleted with its reference, song and share links.")
    return redirect("jobs:history")


@never_stored
@login_required
@require_GET
def reference_audio(request, job_id):
    job = selectors.job_for_viewer(request.user, job_id)
    return stored_file_response(request, job.reference_track.name, download_name=job.reference_name)


@never_stored
@login_required
@require_GET
def song_audio(request, job_id):
    return song_response(request, selectors.job_for_viewer(request.user, job_id))


@never_stored
@login_required
@require_GET
def song_download(request, job_id):
    return song_response(request, selectors.job_for_viewer(request.user, job_id), as_attachment=True)


@never_stored
@login_required
@require_GET
def stem_audio(request, job_id, stem):
    return stem_response(request, selectors.job_for_viewer(request.user, job_id), stem)


@never_stored
@login_required
@require_GET
def lyrics_lrc(request, job_id):
    return lrc_response(selectors.job_for_viewer(request.user, job_id))


# --- share links (owner side) -------------------------------------------------------------------


@login_required
@require_POST
def share_create(request, job_id):
    """Make a link and show its URL once; the database keeps only the token's hash."""
    job = selectors.job_for_viewer(request.user, job_id)
    form = ShareLinkCreateForm(request.POST)
    if not form.is_valid():
        return _share_refused(request, job, "Choose how long the link should work: 1 day, 7 days, 30 days or never.")
    try:
        _, token = sharing.share_link_create(job=job, created_by=request.user, expiry=form.cleaned_data["expiry"])
    except sharing.NotShareable as refusal:
        return _share_refused(request, job, refusal.message)
    new_share_url = request.build_absolute_uri(reverse("jobs:shared_song", args=[token]))
    template = "jobs/_share.html" if is_htmx(request) else "jobs/detail.html"
    return render(request, template, _job_page_context(request, job, new_share_url=new_share_url))


def _share_refused(request, job, reason):
    messages.error(request, reason)
    return redirect_page(request, job.get_absolute_url())


@login_required
@require_POST
def share_revoke(request, job_id, link_id):
    job = selectors.job_for_manager(request.user, job_id)
    try:
        sharing.share_link_revoke(job=job, link_id=link_id)
    except sharing.ShareLinkGone as refusal:
        raise Http404(refusal.message) from None
    return _share_changed(request, job, "The link was revoked: it no longer opens the song.")


@login_required
@require_POST
def share_stems(request, job_id, link_id):
    """Offer the stems and sing-along on one share link, or stop offering them (`offers_stems` on or off)."""
    job = selectors.job_for_manager(request.user, job_id)
    offers_stems = request.POST.get("offers_stems") == "on"
    try:
        sharing.share_link_offer_stems(job=job, link_id=link_id, offers_stems=offers_stems)
    except sharing.ShareLinkGone as refusal:
        raise Http404(refusal.message) from None
    if offers_stems:
        return _share_changed(request, job, "The link now offers the vocals, the instrumental and singing along.")
    return _share_changed(request, job, "The link no longer offers the vocals, the instrumental or singing along.")


def _share_changed(request, job, done_message):
    """The share block again (htmx), or the job's page saying what changed."""
    if is_htmx(request):
        return render(request, "jobs/_share.html", _job_page_context(request, job))
    messages.success(request, done_message)
    return redirect(job)


# --- share links (public side) ------------------------------------------------------------------


def rate_limited_per_client(view):
    """Answer 429 once one client address has made SHARE_REQUESTS_PER_MINUTE requests in this minute."""

    @functools.wraps(view)
    def limited_view(request, *args, **kwargs):
        if SHARE_REQUESTS.count(request) > SHARE_REQUESTS.limit:
            response = render(request, "429.html", status=429)
            response["Retry-After"] = str(SHARE_REQUESTS.window_seconds)
            return response
        return view(request, *args, **kwargs)

    return limited_view


@never_stored
@rate_limited_per_client
@require_GET
def shared_song(request, token):
    link = selectors.share_link_for_token(token)
    audio_url = request.build_absolute_uri(reverse("jobs:shared_song_audio", args=[token]))
    return render(
        request,
        "jobs/shared.html",
        {
            "job": link.job,
            "token": token,
            "audio_url": audio_url,
            "audio_type": mimetypes.guess_type(link.job.song.name)[0] or "audio/mpeg",
            "page_url": request.build_absolute_uri(),
            "offers_stems": link.offers_stems and link.job.has_stems,
        },
    )


@never_stored
@rate_limited_per_client
@require_GET
def shared_song_audio(request, token):
    return song_response(request, selectors.share_link_for_token(token).job)


@never_stored
@rate_limited_per_client
@require_GET
def shared_song_download(request, token):
    return song_response(request, selectors.share_link_for_token(token).job, as_attachment=True)


@never_stored
@rate_limited_per_client
@require_GET
def shared_stem_audio(request, token, stem):
    link = selectors.share_link_for_token(token)
    if not link.offers_stems:
        raise Http404("Whoever shared this song does not offer its vocals and instrumental.")
    return stem_response(request, link.job, stem)


@never_stored
@rate_limited_per_client
@require_GET
def shared_lyrics_lrc(request, token):
    return lrc_response(selectors.share_link_for_token(token).job)


# --- for the generator --------------------------------------------------------------------------


def reference_for_generator(request, token):
    name = reference_name_from_generator_token(token)
    if name is None:
        raise Http404("This reference link is invalid or has expired.")
    return stored_file_response(request, name)
