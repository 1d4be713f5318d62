"""The JSON API: the same forms, services (jobs/services.py, jobs/sharing.py) and selectors as the pages.

Access follows the pages exactly: `selectors.job_for_viewer` for reading, playing and sharing a job,
`selectors.job_for_manager` for cancel, retry, delete and pick, `selectors.share_link_for_manager` for
revoking links. A service's refusal is answered as {"detail": its sentence}, 409 unless said otherwise.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status as http
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import (
    DetailSerializer,
    FieldErrorsSerializer,
    JobCreateRequestSerializer,
    JobDetailSerializer,
    JobSerializer,
    ShareLinkCreateRequestSerializer,
    ShareLinkSerializer,
    TeamSerializer,
)
from jobs import selectors, services, sharing
from jobs.downloads import song_response
from jobs.forms import HistoryFilterForm, JobCreateForm, ShareLinkCreateForm
from jobs.models import Job, ShareLink
from plumbing.errors import ExplainedError
from teams.selectors import memberships_of, team_of, teams_of

NOT_FOUND = OpenApiResponse(DetailSerializer, description="No job of that id that you can see.")
NOT_ALLOWED = OpenApiResponse(DetailSerializer, description="Only the owner or a team admin may do this.")


class JobPagination(PageNumberPagination):
    page_size = selectors.HISTORY_PAGE_SIZE


def field_errors(form) -> Response:
    """The form's own sentences, per field, as JSON."""
    errors = {
        field: [error["message"] for error in messages] for field, messages in form.errors.get_json_data().items()
    }
    return Response({"errors": errors}, status=http.HTTP_400_BAD_REQUEST)


def job_answer(request, job, status=http.HTTP_200_OK) -> Response:
    """One job as the API shows it, with its versions."""
    return Response(JobDetailSerializer(job, context={"request": request}).data, status=status)


def refused(message: str, status=http.HTTP_409_CONFLICT) -> Response:
    return Response({"detail": message}, status=status)


class JobListView(ListAPIView):
    serializer_class = JobSerializer
    pagination_class = JobPagination
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="List the jobs you can see, newest first",
        parameters=[
            OpenApiParameter("scope", str, description='"all" (default), "mine", or a team id.'),
            OpenApiParameter("team", str, description="A team's id or name (the same as scope=<id>)."),
            OpenApiParameter("status", str, enum=Job.Status.values),
            OpenApiParameter("q", str, description="Words in the lyrics."),
            OpenApiParameter("period", str, enum=["today", "week", "month"]),
        ],
        responses={200: JobSerializer(many=True), 400: FieldErrorsSerializer},
    )
    def get(self, request):
        return super().get(request)

    def get_queryset(self):
        """The history's filters (the same form), with `team` by id or name as a scripts' shortcut."""
        params = self.request.query_params.copy()
        team = params.pop("team", [""])[-1].strip()
        if team:
            matching = team_of(self.request.user, team)
            if matching is None:
                raise ValidationError(
                    {"errors": {"team": ["You are not in a team of that id or name; GET /api/teams/ lists yours."]}}
                )
            params["scope"] = str(matching.id)
        filters = HistoryFilterForm(params, teams=teams_of(self.request.user)).filters()
        return (
            selectors.job_history(user=self.request.user, **filters).select_related("team").prefetch_related("events")
        )

    @extend_schema(
        summary="Start a new song",
        request={"multipart/form-data": JobCreateRequestSerializer},
        responses={201: JobDetailSerializer, 400: FieldErrorsSerializer, 429: DetailSerializer},
    )
    def post(self, request):
        form = JobCreateForm(request.data, request.FILES, user=request.user)
        del form.fields["draft_reference"]  # drafts belong to the new-song page; a script sends its file
        if not form.is_valid():
            if form.has_error(NON_FIELD_ERRORS, code="rate_limited"):
                response = refused(form.non_field_errors()[0], http.HTTP_429_TOO_MANY_REQUESTS)
                response["Retry-After"] = str(form.retry_after)
                return response
            return field_errors(form)
        job = services.song_start(owner=request.user, **form.song_start_arguments())
        return job_answer(request, job, http.HTTP_201_CREATED)


class JobDetailView(APIView):
    @extend_schema(summary="One job: its status in words, error, steps and, once completed, its song's URLs",
                   responses={200: JobDetailSerializer, 404: NOT_FOUND})  # fmt: skip
    def get(self, request, job_id):
        return job_answer(request, selectors.job_for_viewer(request.user, job_id))

    @extend_schema(
        summary="Delete a finished job with its reference, song and share links",
        responses={204: None, 403: NOT_ALLOWED, 404: NOT_FOUND, 409: DetailSerializer},
    )
    def delete(self, request, job_id):
        job = selectors.job_for_manager(request.user, job_id)
        try:
            services.job_delete(job=job)
        except services.JobNotDeletable as refusal:
            return refused(refusal.message)
        return Response(status=http.HTTP_204_NO_CONTENT)


class JobActionView(APIView):
    """Cancel, retry or pick: a service acting on a job the person manages; 409 when it refuses."""

    service = None  # staticmethod(a function of jobs/services.py taking job= and by=)

    @extend_schema(
        request=None, responses={200: JobDetailSerializer, 403: NOT_ALLOWED, 404: NOT_FOUND, 409: DetailSerializer}
    )
    def post(self, request, job_id):
        job = selectors.job_for_manager(request.user, job_id)
        try:
            self.service(job=job, by=request.user)
        except ExplainedError as refusal:
            return refused(refusal.message)
        return job_answer(request, job)


@extend_schema_view(post=extend_schema(summary="Cancel a queued or generating job"))
class JobCancelView(JobActionView):
    service = staticmethod(services.job_cancel)


@extend_schema_view(post=extend_schema(summary="Retry a failed or cancelled job as a new attempt"))
class JobRetryView(JobActionView):
    service = staticmethod(services.job_retry)


@extend_schema_view(post=extend_schema(summary="Pick a finished version among the versions made from one upload"))
class JobPickView(JobActionView):
    service = staticmethod(services.job_pick)


class ShareLinkCreateView(APIView):
    @extend_schema(
        summary="Share a completed song: answers the public /s/ URL, once",
        request=ShareLinkCreateRequestSerializer,
        responses={201: ShareLinkSerializer, 400: FieldErrorsSerializer, 404: NOT_FOUND, 409: DetailSerializer},
    )
    def post(self, request, job_id):
        job = selectors.job_for_viewer(request.user, job_id)
        form = ShareLinkCreateForm(request.data or {"expiry": ShareLink.Expiry.THIRTY_DAYS})
        if not form.is_valid():
            return field_errors(form)
        try:
            link, token = sharing.share_link_create(
                job=job, created_by=request.user, expiry=form.cleaned_data["expiry"]
            )
        except sharing.NotShareable as refusal:
            return refused(refusal.message)
        context = {"request": request, "token": token}
        return Response(ShareLinkSerializer(link, context=context).data, status=http.HTTP_201_CREATED)


class ShareLinkDetailView(APIView):
    @extend_schema(summary="Revoke a share link: it stops working at once",
                   responses={204: None, 403: NOT_ALLOWED, 404: NOT_FOUND})  # fmt: skip
    def delete(self, request, link_id):
        link = selectors.share_link_for_manager(request.user, link_id)
        try:
            sharing.share_link_revoke(job=link.job, link_id=link.id)
        except sharing.ShareLinkGone as refusal:  # revoked a moment ago by someone else
            return refused(refusal.message, http.HTTP_404_NOT_FOUND)
        return Response(status=http.HTTP_204_NO_CONTENT)


class TeamListView(APIView):
    @extend_schema(summary="Your teams and your role in each", responses=TeamSerializer(many=True))
    def get(self, request):
        return Response(TeamSerializer(memberships_of(request.user), many=True).data)


class JobSongView(APIView):
    """The finished song (HTTP Range), for the same token; 404 until the job is completed."""

    as_attachment = False

    @extend_schema(summary="The finished song's audio", responses={(200, "audio/mpeg"): bytes, 404: NOT_FOUND})
    def get(self, request, job_id):
        return song_response(request, selectors.job_for_viewer(request.user, job_id), as_attachment=self.as_attachment)


class JobSongDownloadView(JobSongView):
    as_attachment = True
