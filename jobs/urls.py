from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.history, name="history"),
    path("jobs/", views.history, name="history_list"),
    path("jobs/new/", views.job_new, name="new"),
    path("jobs/drafts/", views.draft_create, name="draft_create"),
    path("jobs/drafts/<uuid:draft_id>/analysis/", views.draft_analysis, name="draft_analysis"),
    path("jobs/<uuid:job_id>/", views.detail, name="detail"),
    path("jobs/<uuid:job_id>/status/", views.status, name="status"),
    path("jobs/<uuid:job_id>/cancel/", views.cancel, name="cancel"),
    path("jobs/<uuid:job_id>/retry/", views.retry, name="retry"),
    path("jobs/<uuid:job_id>/delete/", views.delete, name="delete"),
    path("jobs/<uuid:job_id>/version/", views.version_card, name="version_card"),
    path("jobs/<uuid:job_id>/pick/", views.pick, name="pick"),
    path("jobs/<uuid:job_id>/reference/", views.reference_audio, name="reference_audio"),
    path("jobs/<uuid:job_id>/song/", views.song_audio, name="song_audio"),
    path("jobs/<uuid:job_id>/song/download/", views.song_download, name="song_download"),
    path("jobs/<uuid:job_id>/stems/<str:stem>/", views.stem_audio, name="stem_audio"),
    path("jobs/<uuid:job_id>/lyrics.lrc", views.lyrics_lrc, name="lyrics_lrc"),
    path("jobs/<uuid:job_id>/share/", views.share_create, name="share_create"),
    path("jobs/<uuid:job_id>/share/<int:link_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("jobs/<uuid:job_id>/share/<int:link_id>/stems/", views.share_stems, name="share_stems"),
    path("s/<str:token>/", views.shared_song, name="shared_song"),
    path("s/<str:token>/audio/", views.shared_song_audio, name="shared_song_audio"),
    path("s/<str:token>/download/", views.shared_song_download, name="shared_song_download"),
    path("s/<str:token>/stems/<str:stem>/", views.shared_stem_audio, name="shared_stem_audio"),
    path("s/<str:token>/lyrics.lrc", views.shared_lyrics_lrc, name="shared_lyrics_lrc"),
    path("files/reference/<str:token>/", views.reference_for_generator, name="reference_for_generator"),
]
