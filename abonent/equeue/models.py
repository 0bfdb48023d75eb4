"""The electronic queue (Q-2..Q-6): tickets, their steps and disputes about redirections."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abonent.core.models import Office, Service, Window, localized


class Status(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


class Priority(models.TextChoices):
    """Set only by a hall administrator (Q-3)."""

    NONE = "none", _("No priority")
    DISABILITY = "disability", _("Person with disability")
    ELDERLY = "elderly", _("Elderly person")
    PREGNANCY = "pregnancy", _("Pregnant woman")


class Action(models.TextChoices):
    ISSUED = "issued", _("Issued")
    CALLED = "called", _("Called")
    RECALLED = "recalled", _("Called again")
    STARTED = "started", _("Service started")
    FINISHED = "finished", _("Service finished")
    NO_SHOW = "no_show", _("Did not come")
    TRANSFERRED = "transferred", _("Redirected")
    DISPUTED = "disputed", _("Redirection disputed")
    RESOLVED = "resolved", _("Dispute resolved")
    PRIORITY_SET = "priority_set", _("Priority changed")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    KEEP = "keep", _("The redirection stands")
    RETURN = "return", _("The ticket returns to the window that redirected it")


class TicketCounter(models.Model):
    """The last sequence number of a service's tickets on a day: restarts daily."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "day"], name="equeue_counter_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.day}: {self.last}"


class Ticket(models.Model):
    # No index of its own: the office leads the indexes below (every call-next claim
    # updates all of a ticket's indexes).
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="tickets"
    )
    day = models.DateField(_("day"))
    seq = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("number"), max_length=12)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NONE
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("window"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # A redirection to one specific window: only that window calls the ticket. Its
    # index is ``equeue_redirected``: the few tickets that have one.
    target_window = models.ForeignKey(
        Window,
        verbose_name=_("redirected to window"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    comment = models.TextField(_("comment for the next employee"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["issued_at", "id"]
        constraints = [
            # Not (service, seq): a redirected ticket keeps its number in another service.
            models.UniqueConstraint(
                fields=["office", "day", "number"], name="equeue_ticket_number_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["office", "day", "status"], name="equeue_waiting_idx"),
            # Call-next reads only today's waiting tickets of an office, while the day's
            # served tickets pile up beside them, and in the order it calls them: the
            # regular consumers from this one, the priority ones from the next, those
            # redirected to a window from the third (``services._claim_sql``).
            models.Index(
                fields=["office", "day", "issued_at", "id"],
                condition=models.Q(status="waiting", target_window__isnull=True),
                name="equeue_waiting_line",
            ),
            models.Index(
                fields=["office", "day", "issued_at", "id"],
                condition=models.Q(status="waiting", target_window__isnull=True)
                & ~models.Q(priority="none"),
                name="equeue_waiting_priority",
            ),
            models.Index(
                fields=["target_window", "day"],
                condition=models.Q(target_window__isnull=False),
                name="equeue_redirected",
            ),
            # Whether a window serves someone (every press of call-next asks): its one or
            # two active tickets, not the thousands it has served.
            models.Index(
                fields=["window"],
                condition=models.Q(status__in=["called", "serving"]),
                name="equeue_at_window",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class TicketEvent(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # Indexed by equeue_event_call_idx, which starts with it.
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    from_service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    from_window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Copied from the ticket at call time: the fairness rule reads the last calls only.
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NONE)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]
        # A redirection's services and windows are set on its steps only: indexed where
        # set, so that the calls, starts and finishes of every ticket do not write NULLs
        # into four more indexes (#5). An equality or IN on them can still read these.
        indexes = [
            models.Index(fields=["window", "action", "at"], name="equeue_event_call_idx"),
            *(
                models.Index(
                    fields=[name],
                    name=f"equeue_event_{name}",
                    condition=models.Q(**{f"{name}__isnull": False}),
                )
                for name in ("from_service", "to_service", "from_window", "to_window")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"


class Dispute(models.Model):
    """A dispute about a redirection between windows, settled by the hall administrator
    (Q-6)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="disputes")
    transfer = models.ForeignKey(
        TicketEvent, on_delete=models.PROTECT, related_name="+", verbose_name=_("redirection")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(_("opened at"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(resolved_at__isnull=True),
                name="equeue_one_open_dispute_per_ticket",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} ({self.opened_at:%Y-%m-%d})"


class TopicKind(models.TextChoices):
    ORDER = "order", _("Order of reception")
    FAQ = "faq", _("Typical question")
    WHO = "who", _("Who does what")


class InfoTopicQuerySet(models.QuerySet["InfoTopic"]):
    def for_office(self, office: Office) -> InfoTopicQuerySet:
        """Published topics of this office and of all offices, in their order (Q-1)."""
        return self.filter(
            models.Q(office=office) | models.Q(office__isnull=True), is_published=True
        ).order_by("kind", "position", "id")


class InfoTopic(models.Model):
    """A text of the information stand (Q-1): a step of the order of reception, a typical
    question with its answer, or a note on who does what. Staff edit them in the admin."""

    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="info_topics",
        help_text=_("Empty: shown at every office."),
    )
    kind = models.CharField(_("section"), max_length=8, choices=TopicKind.choices)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True)
    body_ru = models.TextField(_("text (Russian)"))
    body_kk = models.TextField(_("text (Kazakh)"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    objects = InfoTopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("information stand topic")
        verbose_name_plural = _("information stand")
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return self.title_ru

    @property
    def title(self) -> str:
        return localized(self.title_ru, self.title_kk)

    @property
    def body(self) -> str:
        return localized(self.body_ru, self.body_kk)


class KioskIssue(models.Model):
    """The one-time token of a kiosk screen and the ticket it took (Q-2): a double tap or a
    repeated POST with the same token shows that ticket instead of issuing another."""

    token = models.CharField(max_length=64, unique=True)
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="kiosk_issue")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ticket taken at a kiosk")
        verbose_name_plural = _("tickets taken at kiosks")

    def __str__(self) -> str:
        return f"{self.ticket_id}"
