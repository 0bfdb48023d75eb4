from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    """Personal reception with management (K-7, W-7)."""

    name = "abonent.appeals.reception"
    label = "reception"
    default_auto_field = "django.db.models.BigAutoField"
