from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "abonent.portal"
    label = "portal"
    verbose_name = _("Public website")
    default_auto_field = "django.db.models.BigAutoField"
