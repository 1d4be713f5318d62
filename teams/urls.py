from django.urls import path

from teams import views

app_name = "teams"
urlpatterns = [
    path("teams/", views.team_list, name="list"),
    path("teams/<int:team_id>/", views.team_detail, name="detail"),
    path("teams/<int:team_id>/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "teams/<int:team_id>/invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("teams/<int:team_id>/members/<int:user_id>/promote/", views.member_promote, name="member_promote"),
    path("teams/<int:team_id>/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path("teams/<int:team_id>/leave/", views.leave, name="leave"),
    path("invite/<str:token>/", views.invitation_open, name="invitation_open"),
]
