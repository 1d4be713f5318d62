from django.urls import path

from localgen import analysis, views

app_name = "localgen"
urlpatterns = [
    path("v2/generate/audio", views.generate_audio, name="generate_audio"),
    path("v2/generate/files/<str:token>/", views.audio_file, name="audio_file"),
    path("v2/analyze/audio", analysis.analyze_audio, name="analyze_audio"),
]
