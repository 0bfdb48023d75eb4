"""The voice menu (IVR, CC-3) as data, and its sessions.

Staff edit the tree in the Django admin: ``IvrNode`` rows (one per menu, announcement,
self-service flow, transfer or goodbye) with their prompts in Russian and Kazakh, and
``IvrKey`` rows (a key pressed in a menu → the next node, optionally choosing the caller's
language). ``IvrPrompt`` holds the system phrases (the recording warning, "no such option",
read-backs, refusals of a reading...) in both languages; a phrase without a row falls back
to its translated default in code (prompts.py).

Every call that enters the IVR is an ``IvrSession`` (the PBX's session id, the caller, the
language, where it is and what it has collected so far, how it ended); every request of the
PBX is an ``IvrStep`` (the node, what was pressed, the result code and the answer given), so
the steps of a session are its path.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Node codes the engine looks for (services.py): the first node of every call, the menu a
# caller returns to after self-service, and where callers go after three failed tries.
ROOT = "root"
MAIN = "main"
OPERATOR = "operator"


class NodeKind(models.TextChoices):
    MENU = "menu", _("Menu (one key)")
    INFO = "info", _("Announcement")
    BALANCE = "balance", _("Account balance (asks for the account number)")
    READING = "reading", _("Hot-water meter reading entry")
    TRANSFER = "transfer", _("Transfer to an operator")
    HANGUP = "hangup", _("Goodbye and hang up")


class InfoSource(models.TextChoices):
    """Where an announcement's changing part comes from (said after its prompt)."""

    NONE = "", _("Nothing: the prompt only")
    CONTACT_CENTRE_HOURS = "contact_centre_hours", _("Contact centre: open now or when it opens")
    OFFICE_HOURS = "office_hours", _("Offices: open now or when they open")
    PAYMENT_DETAILS = "payment_details", _("The company's payment details")


class Language(models.TextChoices):
    RU = "ru", _("Russian")
    KK = "kk", _("Kazakh")


class IvrNode(models.Model):
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_(
            "'root' starts every call, 'main' is the self-service menu callers return to, "
            "'operator' is where they go after three failed tries."
        ),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NodeKind.choices)
    title = models.CharField(_("title (for staff)"), max_length=200, blank=True)
    prompt_ru = models.TextField(_("prompt (Russian)"), blank=True)
    prompt_kk = models.TextField(_("prompt (Kazakh)"), blank=True)
    info_source = models.CharField(
        _("information source"),
        max_length=32,
        choices=InfoSource.choices,
        default=InfoSource.NONE,
        blank=True,
    )
    next = models.ForeignKey(
        "self",
        verbose_name=_("then go to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "After an announcement, a balance or a reading: the next node (empty: the main "
            "menu). For a transfer outside the contact centre's hours: where the caller goes "
            "instead."
        ),
    )
    min_digits = models.PositiveSmallIntegerField(
        _("fewest digits"), default=1, help_text=_("For an account number: its length.")
    )
    max_digits = models.PositiveSmallIntegerField(_("most digits"), default=1)
    transfer_to = models.CharField(
        _("transfer to (PBX queue or number)"), max_length=64, blank=True
    )
    closed_notice = models.BooleanField(
        _("say when the contact centre is closed"),
        default=False,
        help_text=_("A menu: outside the contact centre's hours, say so before the prompt."),
    )

    class Meta:
        verbose_name = _("voice menu node")
        verbose_name_plural = _("voice menu nodes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_digits__gte=1, max_digits__gte=models.F("min_digits"))
                & models.Q(max_digits__lte=32),
                name="ivr_node_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_kind_display()})"


class IvrKey(models.Model):
    node = models.ForeignKey(
        IvrNode, verbose_name=_("menu"), on_delete=models.CASCADE, related_name="keys"
    )
    key = models.CharField(
        _("key"), max_length=1, choices=[(k, k) for k in "1234567890*#"], default="1"
    )
    target = models.ForeignKey(
        IvrNode, verbose_name=_("goes to"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(
        _("switches the language to"),
        max_length=2,
        choices=Language.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("menu key")
        verbose_name_plural = _("menu keys")
        ordering = ["node", "key"]
        constraints = [
            models.UniqueConstraint(fields=["node", "key"], name="ivr_key_once_per_menu"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.target_id}"


class IvrPrompt(models.Model):
    """A system phrase in both languages; ``{name}`` placeholders are filled in."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    text_ru = models.TextField(_("text (Russian)"))
    text_kk = models.TextField(_("text (Kazakh)"))

    class Meta:
        verbose_name = _("voice menu phrase")
        verbose_name_plural = _("voice menu phrases")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Outcome(models.TextChoices):
    SELF_SERVED = "self_served", _("Self-served")
    TRANSFERRED = "transferred", _("Transferred to an operator")
    ABANDONED = "abandoned", _("Caller hung up")
    ENDED = "ended", _("Ended by the menu")


class IvrSession(models.Model):
    session_id = models.CharField(_("PBX session id"), max_length=64, unique=True)
    caller = models.CharField(_("caller"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    node_code = models.CharField(_("current node"), max_length=40, blank=True)
    # What the session waits for ("collect": keys; "continue": the PBX played an
    # announcement and comes back with no keys) and what a flow has collected so far.
    state = models.JSONField(_("state"), default=dict, blank=True)
    last_seq = models.PositiveIntegerField(_("last step"), default=0)
    failures = models.PositiveSmallIntegerField(_("failed tries"), default=0)
    served = models.BooleanField(_("got self-service"), default=False)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    transfer_to = models.CharField(_("transferred to"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("voice menu session")
        verbose_name_plural = _("voice menu sessions")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["started_at"], name="ivr_session_started")]

    def __str__(self) -> str:
        return self.session_id


class IvrStep(models.Model):
    """One request of the PBX and the answer given; ``(session, seq)`` makes a retried
    request get the same answer."""

    session = models.ForeignKey(
        IvrSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="steps"
    )
    seq = models.PositiveIntegerField(_("step"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    node_code = models.CharField(_("node"), max_length=40, blank=True)
    input = models.CharField(_("keys pressed"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=40)
    action = models.CharField(_("answer"), max_length=16)
    status = models.PositiveSmallIntegerField(_("HTTP status"), default=200)
    response = models.JSONField(_("answer given"), default=dict)

    class Meta:
        verbose_name = _("voice menu step")
        verbose_name_plural = _("voice menu steps")
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="ivr_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.seq} {self.node_code} {self.result}"
