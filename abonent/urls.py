from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from abonent.api import api
from abonent.core import views as core_views
from abonent.equeue import board as queue_board
from abonent.portal import views as portal_views

# Errors in the visitor's language (the public website, #9).
handler404 = "abonent.portal.views.page_not_found"
handler500 = "abonent.portal.views.server_error"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("offices/", portal_views.offices, name="offices"),
    path("staff/", core_views.staff_home, name="staff-home"),
    path("staff/login/", core_views.ThrottledLoginView.as_view(), name="login"),
    path("staff/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # the board's live stream, an async view (SSE), ahead of the ninja API.
    path(
        "api/v1/queue/offices/<slug:office>/board/stream",
        queue_board.stream,
        name="queue-board-stream",
    ),
    path("api/v1/", api.urls),
    path("", include("abonent.appeals.urls")),
    path("", include("abonent.appeals.book.urls")),
    path("", include("abonent.appeals.boxes.urls")),
    path("", include("abonent.appeals.reception.urls")),
    path("", include("abonent.equeue.urls")),
    path("", include("abonent.cabinet.urls")),
    path("", include("abonent.calls.urls")),
    path("", include("abonent.calls.ivr.urls")),
    path("", include("abonent.visits.urls")),
    path("", include("abonent.portal.urls")),
]
