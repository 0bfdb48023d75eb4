"""Consumers, their accounts and meters, readings, bills and payments (PC-1, PC-2, C-2 rows 2
and 4). The billing system is the source of consumers, accounts, meters, bills and payments
(see importing.py); readings are also submitted here (services.submit_reading)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsumerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")


class HouseholdSegment(models.TextChoices):
    """Where an individual lives (ORG-5): multi-apartment housing (МЖФ) or the private sector."""

    MZHF = "mzhf", _("Multi-apartment housing")
    PRIVATE = "private", _("Private sector")


class Consumer(models.Model):
    """A consumer as the billing system knows it; ``code`` is the billing's identifier."""

    code = models.CharField(_("billing code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ConsumerKind.choices)
    segment = models.CharField(
        _("segment"), max_length=16, choices=HouseholdSegment.choices, blank=True
    )
    name = models.CharField(_("name"), max_length=300)
    tax_id = models.CharField(_("BIN/IIN"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    address_city = models.CharField(_("city"), max_length=100, blank=True)
    address_street = models.CharField(_("street"), max_length=200, blank=True)
    address_building = models.CharField(_("building"), max_length=32, blank=True)
    address_apartment = models.CharField(_("apartment / office"), max_length=32, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    # A legal entity's bank details, printed on its invoice (PC-2).
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bic = models.CharField(_("BIC"), max_length=16, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("consumer")
        verbose_name_plural = _("consumers")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="individual") & ~models.Q(segment=""))
                | (models.Q(kind="legal_entity") & models.Q(segment="")),
                name="cabinet_consumer_segment_for_individuals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_legal_entity(self) -> bool:
        return self.kind == ConsumerKind.LEGAL_ENTITY

    @property
    def address(self) -> str:
        parts = [self.postcode, self.address_city, self.address_street, self.address_building]
        text = ", ".join(p for p in parts if p)
        return f"{text}, {self.address_apartment}" if self.address_apartment else text


class Account(models.Model):
    """A personal account (лицевой счёт). ``balance`` is what the consumer owes as of
    ``balance_on``: positive is a debt, negative an overpayment (C-2 row 4)."""

    number = models.CharField(_("account number"), max_length=20, unique=True)
    consumer = models.ForeignKey(
        Consumer, verbose_name=_("consumer"), on_delete=models.PROTECT, related_name="accounts"
    )
    address = models.CharField(_("premises address"), max_length=300, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=50, blank=True)
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, default=0)
    balance_on = models.DateField(_("balance as of"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("personal account")
        verbose_name_plural = _("personal accounts")

    def __str__(self) -> str:
        return self.number


class MeterKind(models.TextChoices):
    HOT_WATER = "hot_water", _("Hot water")
    COLD_WATER = "cold_water", _("Cold water")
    ELECTRICITY = "electricity", _("Electricity")
    HEAT = "heat", _("Heat")


class Meter(models.Model):
    """A meter on an account. Its serial is unique within the account. A reading has at most
    ``digits`` digits before the point and ``decimals`` after it. The submission window is the
    company's (settings) unless the meter has its own days."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="meters"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeterKind.choices)
    serial = models.CharField(_("serial number"), max_length=40)
    digits = models.PositiveSmallIntegerField(
        _("register digits"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    decimals = models.PositiveSmallIntegerField(
        _("digits after the point"), default=0, validators=[MaxValueValidator(3)]
    )
    verification_due = models.DateField(_("verification due"), null=True, blank=True)
    window_first_day = models.PositiveSmallIntegerField(
        _("submission window: first day"), null=True, blank=True
    )
    window_last_day = models.PositiveSmallIntegerField(
        _("submission window: last day"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        constraints = [
            models.UniqueConstraint(fields=["account", "serial"], name="cabinet_meter_serial"),
            models.CheckConstraint(
                condition=models.Q(digits__gte=1, digits__lte=12, decimals__lte=3),
                name="cabinet_meter_register",
            ),
            models.CheckConstraint(
                condition=models.Q(window_first_day__isnull=True, window_last_day__isnull=True)
                | models.Q(
                    window_first_day__gte=1,
                    window_last_day__lte=31,
                    window_first_day__lte=models.F("window_last_day"),
                ),
                name="cabinet_meter_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial} ({self.get_kind_display()})"


class ReadingSource(models.TextChoices):
    CABINET = "cabinet", _("Personal cabinet")
    IVR = "ivr", _("IVR")
    CONTACT_CENTER = "contact_center", _("Contact centre")
    API = "api", _("API")
    BILLING = "billing", _("Billing system")


class ReadingStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    NEXT_PERIOD = "next_period", _("Counted for the next period")
    REJECTED = "rejected", _("Rejected on review")


class Reading(models.Model):
    """One reading per meter and period (the first day of the month). A later submission for
    the same period replaces the value; the replaced one stays in the audit log."""

    meter = models.ForeignKey(
        Meter, verbose_name=_("meter"), on_delete=models.PROTECT, related_name="readings"
    )
    period = models.DateField(_("period"))
    value = models.DecimalField(_("reading"), max_digits=15, decimal_places=3)
    consumption = models.DecimalField(
        _("consumption"), max_digits=15, decimal_places=3, null=True, blank=True
    )
    rollover = models.BooleanField(_("register rollover"), default=False)
    source = models.CharField(_("source"), max_length=16, choices=ReadingSource.choices)
    status = models.CharField(_("status"), max_length=16, choices=ReadingStatus.choices)
    flag_reason = models.CharField(_("flagged because"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A flagged reading's review (services.review_reading): accepted or rejected, by whom.
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        ordering = ["meter", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["meter", "period"], name="cabinet_reading_period"),
        ]
        indexes = [
            models.Index(
                fields=["status"],
                name="cabinet_reading_review",
                condition=models.Q(status="needs_review"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.period:%Y-%m} {self.value}"


class Bill(models.Model):
    """A monthly bill / invoice (счёт-фактура) from the billing system. ``lines`` is a list of
    ``{"name", "unit", "quantity", "price", "net", "vat", "total"}`` with amounts as strings."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="bills"
    )
    period = models.DateField(_("period"))
    number = models.CharField(_("invoice number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    due_on = models.DateField(_("payment due"), null=True, blank=True)
    amount_net = models.DecimalField(_("amount without VAT"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2, default=0)
    vat_amount = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=0)
    amount_total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    lines = models.JSONField(_("lines"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["account", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="cabinet_bill_period"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period:%Y-%m}"


class Payment(models.Model):
    """A payment the billing system has registered; ``reference`` is its billing id."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="payments"
    )
    reference = models.CharField(_("payment reference"), max_length=64, unique=True)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    bank = models.CharField(_("bank / channel"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["account", "-paid_on"]
        indexes = [models.Index(fields=["account", "paid_on"], name="cabinet_payment_account")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class ImportRun(models.Model):
    """One run of the billing import: what came in and what was rejected."""

    REJECTIONS_KEPT = 10_000

    file_name = models.CharField(_("file"), max_length=300)
    file_format = models.CharField(_("format"), max_length=8)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    accepted = models.PositiveIntegerField(_("rows imported"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # While it runs: the share of the file read so far (0..1), updated with the counts above
    # every progress step, so that the staff page shows how far a large file has got.
    progress = models.FloatField(_("share of the file read"), default=0)
    # The rejected records (the first REJECTIONS_KEPT): ``[{"line", "account", "reason"}]``,
    # downloadable as CSV from the staff page.
    rejections = models.JSONField(_("rejections"), default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("billing import")
        verbose_name_plural = _("billing imports")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.started_at:%Y-%m-%d %H:%M}"


def month_start(day: date) -> date:
    return day.replace(day=1)


class CabinetLogin(models.Model):
    """A way into the personal cabinet, separate from staff users. An individual signs in
    with the account number (``login``) and the secret the company issued for it; a legal
    entity's representative with their own login (an e-mail) and secret, and sees all the
    entity's accounts. Only a hash of the secret is kept: staff never see it."""

    login = models.CharField(_("login"), max_length=254, unique=True)
    consumer = models.ForeignKey(
        Consumer, verbose_name=_("consumer"), on_delete=models.CASCADE, related_name="logins"
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="logins",
        help_text=_("An individual's account; empty for a representative (all accounts)."),
    )
    name = models.CharField(_("representative"), max_length=200, blank=True)
    secret_hash = models.CharField(_("secret (hashed)"), max_length=256)
    secret_issued_at = models.DateTimeField(_("secret issued"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("cabinet login")
        verbose_name_plural = _("cabinet logins")

    def __str__(self) -> str:
        return self.login


class SignInThrottle(models.Model):
    """Failed sign-ins per login as typed (known or not, so that the answer is the same):
    after the limit the login is locked for a while. ``key`` is a hash of the login."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    first_failure_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self) -> str:
        return self.key[:12]


class SignInCode(models.Model):
    """A one-time sign-in code sent to the e-mail on file; only its keyed hash is kept."""

    login = models.ForeignKey(CabinetLogin, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [models.Index(fields=["login", "created_at"], name="cabinet_code_login")]

    def __str__(self) -> str:
        return f"{self.login_id} {self.created_at:%Y-%m-%d %H:%M}"
