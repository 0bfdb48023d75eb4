"""The voice menu as the engine reads it: nodes, keys and phrases, kept per process (see
core.lib.snapshot) so that a step costs no query for the tree. An edit in the admin drops
the copy of the editing process at once; other processes pick it up within
ABONENT_SNAPSHOT_SECONDS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from abonent.calls.ivr.models import MAIN, ROOT, IvrKey, IvrNode, IvrPrompt
from abonent.core.errors import DomainError
from abonent.core.lib.snapshot import Snapshot


@dataclass(frozen=True)
class Key:
    key: str
    target: str
    language: str


@dataclass(frozen=True)
class Node:
    code: str
    kind: str
    prompt_ru: str
    prompt_kk: str
    info_source: str
    next_code: str | None
    min_digits: int
    max_digits: int
    transfer_to: str
    closed_notice: bool
    keys: Mapping[str, Key]

    def prompt(self, language: str) -> str:
        """The prompt in the language; Russian when the Kazakh one is missing."""
        return self.prompt_kk if language == "kk" and self.prompt_kk else self.prompt_ru


@dataclass(frozen=True)
class Tree:
    nodes: Mapping[str, Node]
    phrases: Mapping[str, tuple[str, str]]  # code → (Russian, Kazakh)

    def root(self) -> Node:
        found = self.nodes.get(ROOT)
        if found is None:
            raise DomainError(
                _("The voice menu has no 'root' node."), code="ivr_not_configured", status=503
            )
        return found

    def main(self) -> Node:
        """The self-service menu callers come back to; the root when there is none."""
        return self.nodes.get(MAIN) or self.root()

    def after(self, node: Node) -> Node:
        target = self.nodes.get(node.next_code) if node.next_code else None
        return target or self.main()


def _load(_key: None) -> Tree:
    keys: dict[str, dict[str, Key]] = {}
    for node_code, key, target, language in IvrKey.objects.values_list(
        "node__code", "key", "target__code", "language"
    ):
        keys.setdefault(node_code, {})[key] = Key(key, target, language)
    nodes = {
        row["code"]: Node(
            code=row["code"],
            kind=row["kind"],
            prompt_ru=row["prompt_ru"],
            prompt_kk=row["prompt_kk"],
            info_source=row["info_source"],
            next_code=row["next__code"],
            min_digits=row["min_digits"],
            max_digits=row["max_digits"],
            transfer_to=row["transfer_to"],
            closed_notice=row["closed_notice"],
            keys=keys.get(row["code"], {}),
        )
        for row in IvrNode.objects.values(
            "code",
            "kind",
            "prompt_ru",
            "prompt_kk",
            "info_source",
            "next__code",
            "min_digits",
            "max_digits",
            "transfer_to",
            "closed_notice",
        )
    }
    phrases = {
        code: (ru, kk)
        for code, ru, kk in IvrPrompt.objects.values_list("code", "text_ru", "text_kk")
    }
    return Tree(nodes=nodes, phrases=phrases)


_tree: Snapshot[None, Tree] = Snapshot(_load, watch=(IvrNode, IvrKey, IvrPrompt))


def get_tree() -> Tree:
    return _tree.get(None)
