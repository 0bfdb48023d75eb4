"""``manage.py issue_cabinet_secret ACCOUNT [--representative LOGIN --name NAME]``: a new
personal-cabinet secret, printed once for sending to the consumer (stored hashed only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from abonent.cabinet.auth import issue_secret
from abonent.cabinet.models import Account, CabinetLogin


class Command(BaseCommand):
    help = "Issue a new personal-cabinet secret for an account or a legal entity's representative."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("account")
        parser.add_argument(
            "--representative", default="", help="the representative's login (e-mail)"
        )
        parser.add_argument("--name", default="", help="the representative's name")

    def handle(self, *args: Any, **options: Any) -> None:
        account = (
            Account.objects.select_related("consumer").filter(number=options["account"]).first()
        )
        if account is None:
            raise CommandError(f"No account {options['account']}")
        representative = options["representative"].strip()
        if representative and not account.consumer.is_legal_entity:
            raise CommandError("Representatives are for legal entities.")
        existing = CabinetLogin.objects.filter(
            login=representative.lower() or account.number
        ).first()
        login, raw = issue_secret(
            login=existing,
            account=account,
            representative=(representative, options["name"]) if representative else None,
            actor=None,
        )
        self.stdout.write(f"Login: {login.login}\nSecret: {raw}\n(shown once; stored hashed)")
