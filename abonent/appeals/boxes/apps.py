from django.apps import AppConfig


class BoxesConfig(AppConfig):
    """Service-centre boxes and the Chancellery's daily collection (K-6)."""

    name = "abonent.appeals.boxes"
    label = "boxes"
    default_auto_field = "django.db.models.BigAutoField"
