from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from abonent.core.auth import user_roles
from abonent.core.errors import RateLimited
from abonent.core.lib.ratelimit import hit, limit_request
from abonent.core.roles import role_label

LOGIN_ATTEMPTS = 10
LOGIN_WINDOW = 900


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    roles = sorted(role_label(r) for r in user_roles(request.user))
    return render(request, "staff/home.html", {"roles": roles})


class ThrottledLoginView(LoginView):
    """Staff log-in, throttled per client address and per username: guessing passwords
    gets a 429 page after LOGIN_ATTEMPTS tries in LOGIN_WINDOW seconds."""

    template_name = "staff/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150].lower()
        try:
            limit_request(request, "login", limit=LOGIN_ATTEMPTS, window_seconds=LOGIN_WINDOW)
            hit("login-user", username, limit=LOGIN_ATTEMPTS, window_seconds=LOGIN_WINDOW)
        except RateLimited as err:
            form = self.get_form()
            form.add_error(None, str(err.message))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)
