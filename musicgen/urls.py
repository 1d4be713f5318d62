from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from musicgen.health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("localgen.urls")),
    path("", include("api.urls")),
    path("", include("teams.urls")),
    path("", include("jobs.urls")),
]
