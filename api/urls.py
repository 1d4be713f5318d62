from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import pages, views

app_name = "api"
urlpatterns = [
    path("api/jobs/", views.JobListView.as_view(), name="jobs"),
    path("api/jobs/<uuid:job_id>/", views.JobDetailView.as_view(), name="job"),
    path("api/jobs/<uuid:job_id>/cancel/", views.JobCancelView.as_view(), name="job_cancel"),
    path("api/jobs/<uuid:job_id>/retry/", views.JobRetryView.as_view(), name="job_retry"),
    path("api/jobs/<uuid:job_id>/pick/", views.JobPickView.as_view(), name="job_pick"),
    path("api/jobs/<uuid:job_id>/song/", views.JobSongView.as_view(), name="job_song"),
    path("api/jobs/<uuid:job_id>/song/download/", views.JobSongDownloadView.as_view(), name="job_song_download"),
    path("api/jobs/<uuid:job_id>/share-links/", views.ShareLinkCreateView.as_view(), name="share_links"),
    path("api/share-links/<int:link_id>/", views.ShareLinkDetailView.as_view(), name="share_link"),
    path("api/teams/", views.TeamListView.as_view(), name="teams"),
    path("settings/api-tokens/", pages.tokens, name="tokens"),
    path("settings/api-tokens/<int:token_id>/revoke/", pages.token_revoke, name="token_revoke"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page needs no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
