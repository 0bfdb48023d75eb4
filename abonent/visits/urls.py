"""Pages: Home visits. Public: the check of an employee at the door. Staff: the employee's
day, the planner's board, planning, a visit's page, letters."""

from __future__ import annotations

from django.urls import URLPattern, path

from abonent.visits import views, views_public

app_name = "visits"

urlpatterns: list[URLPattern] = [
    path("visits/verify/", views_public.verify_page, name="verify"),
    path("visits/photo/<str:token>/", views_public.photo, name="photo"),
    path("staff/visits/", views.board, name="board"),
    path("staff/visits/my/", views.my_day, name="my-day"),
    path("staff/visits/new/", views.new_visit, name="new"),
    path("staff/visits/<int:pk>/", views.detail, name="detail"),
    path("staff/visits/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("staff/visits/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("staff/visits/<int:pk>/depart/", views.depart, name="depart"),
    path("staff/visits/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("staff/visits/letters/<int:pk>/", views.letter, name="letter"),
    path("staff/visits/letters/<int:pk>/printed/", views.letter_printed, name="letter-printed"),
]
