from django.apps import AppConfig


class EqueueConfig(AppConfig):
    """The electronic queue (Q-1..Q-6, ORG-4, ORG-5)."""

    name = "abonent.equeue"
    label = "equeue"
    default_auto_field = "django.db.models.BigAutoField"
