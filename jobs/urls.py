from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.history, name="history"),
    path("jobs/", views.history, name="history_list"),
    path("jobs/<uuid:job_id>/", views.detail, name="detail"),
    path("files/reference/<str:token>/", views.reference_for_generator, name="reference_for_generator"),
]
