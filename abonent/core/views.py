from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from abonent.core import schedules
from abonent.core.auth import user_roles
from abonent.core.roles import role_label


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "portal/home.html",
        {
            "offices": schedules.office_statuses(now),
            "contact_centre": schedules.department_status("contact_center", now),
            "now": now,
        },
    )


@require_GET
def offices(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(request, "portal/offices.html", {"offices": schedules.office_statuses(now)})


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    roles = sorted(role_label(r) for r in user_roles(request.user))
    return render(request, "staff/home.html", {"roles": roles})
