from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abonent.workdays.calendar import Override


class CalendarOverride(models.Model):
    """A day made working or non-working by a decree the holidays package does not know yet
    (a newly decreed transfer, a moved Kurban Ait). Wins over everything else."""

    day = models.DateField(_("date"), unique=True)
    working = models.BooleanField(_("working day"))
    basis = models.CharField(
        _("legal basis"),
        max_length=300,
        help_text=_("E.g. the government decree that moves the day off."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {'+' if self.working else '-'} {self.basis}"

    def as_override(self) -> Override:
        return Override(day=self.day, working=self.working, basis=self.basis)
