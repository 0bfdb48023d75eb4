from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IvrConfig(AppConfig):
    name = "abonent.calls.ivr"
    label = "ivr"
    verbose_name = _("Voice menu (IVR)")
    default_auto_field = "django.db.models.BigAutoField"
