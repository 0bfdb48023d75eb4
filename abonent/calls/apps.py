from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    """The contact centre (CC-1..CC-8): calls, recordings, the IVR, callbacks."""

    name = "abonent.calls"
    label = "calls"
    verbose_name = _("Contact centre")
    default_auto_field = "django.db.models.BigAutoField"
