from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "abonent.visits"
    label = "visits"
    verbose_name = _("Home visits")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A bad value stops the process at start, naming the variable.
        from django.conf import settings

        from abonent.visits import rules, sms

        try:
            rules.parse_hours(settings.ABONENT_VISITS_HOURS)
        except ValueError as exc:
            raise ImproperlyConfigured(f"ABONENT_VISITS_HOURS: {exc}") from None
        sms.check_settings()
