"""An explicit status transition map: every allowed move is listed; anything else raises."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from abonent.core.errors import InvalidTransition


class TransitionMap:
    def __init__(self, moves: Mapping[str, Iterable[str]]) -> None:
        self._moves = {str(src): frozenset(str(d) for d in dsts) for src, dsts in moves.items()}

    def allowed(self, src: str) -> frozenset[str]:
        return self._moves.get(str(src), frozenset())

    def can(self, src: str, dst: str) -> bool:
        return str(dst) in self.allowed(src)

    def check(self, src: str, dst: str) -> None:
        if not self.can(src, dst):
            raise InvalidTransition(
                _("Cannot move from status %(src)s to %(dst)s.") % {"src": src, "dst": dst},
                extra={"from": str(src), "to": str(dst)},
            )
