from django.apps import AppConfig


class BookConfig(AppConfig):
    """The complaint and suggestion book (B-1..B-8)."""

    name = "abonent.appeals.book"
    label = "book"
    default_auto_field = "django.db.models.BigAutoField"
