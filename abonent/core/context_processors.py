from __future__ import annotations

from django.http import HttpRequest

from abonent.core.auth import user_roles


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "company_name": "ТОО «Астанаэнергосбыт»",
        "user_roles": user_roles(request.user) if hasattr(request, "user") else set(),
    }
