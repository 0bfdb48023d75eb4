"""The demo visits load once for controller and engineer; bad visit settings stop the
process at start with a clear message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from abonent.visits import sms
from abonent.visits.apps import VisitsConfig
from abonent.visits.demo import load_demo
from abonent.visits.models import Visit


@pytest.mark.django_db
def test_the_demo_loads_once(demo, clock) -> None:
    assert load_demo() == 5
    assert load_demo() == 0
    people = set(Visit.objects.values_list("assignments__employee__username", flat=True))
    assert people == {"controller", "engineer"}
    assert Visit.objects.filter(urgent=True).count() == 1


def test_bad_settings_fail_at_start(settings) -> None:
    from django.apps import apps

    config = apps.get_app_config("visits")
    assert isinstance(config, VisitsConfig)
    settings.ABONENT_VISITS_HOURS = "18:00-09:00"
    with pytest.raises(ImproperlyConfigured, match="ABONENT_VISITS_HOURS"):
        config.ready()
    settings.ABONENT_VISITS_HOURS = "09:00-18:00"
    settings.ABONENT_SMS_BACKEND = "pigeon"
    with pytest.raises(ImproperlyConfigured, match="ABONENT_SMS_BACKEND"):
        sms.check_settings()
    settings.ABONENT_SMS_BACKEND = "http"
    settings.ABONENT_SMS_GATEWAY_URL = ""
    with pytest.raises(ImproperlyConfigured, match="ABONENT_SMS_GATEWAY_URL"):
        sms.check_settings()
