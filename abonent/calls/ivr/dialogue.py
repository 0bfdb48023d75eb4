"""The voice menu's engine: given the session and what the caller pressed, the next thing to
say and do (CC-2, CC-3, C-2 row 2, PC-1). It changes the session in memory only; the
service (services.take_step) locks, logs and saves.

Answers (``Reply.action``):

- ``collect``: say the prompt and collect keys as ``expect`` says, then post them;
- ``play``: say the prompt, then post the next step at once with no keys;
- ``transfer``: say the prompt (it starts with the recording warning, CC-3) and put the
  caller through to ``transfer_to``; the session ends;
- ``hangup``: say the prompt and hang up; the session ends.

A refused entry (nothing pressed, a key that is not offered, a wrong number of digits, an
unknown account, a reading the cabinet refuses) is said and asked again; the third failed
try on one node goes to the operator (when the contact centre is closed: back to the
self-service menu, or goodbye when the caller is already there).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from abonent.calls.ivr import flows, info, rules
from abonent.calls.ivr.models import MAIN, OPERATOR, ROOT, IvrSession, NodeKind, Outcome
from abonent.calls.ivr.prompts import join, phrase
from abonent.calls.ivr.replies import COLLECT, MENU_KEY, Expect, Reply
from abonent.calls.ivr.tree import Node, Tree

MAX_TRIES = 3
DEFAULT_TRANSFER = "operator"
CONTINUE = "continue"


class Dialogue:
    def __init__(self, tree: Tree, session: IvrSession, at: datetime, actor: Any) -> None:
        self.tree = tree
        self.session = session
        self.at = at
        self.actor = actor

    # ---- words ------------------------------------------------------------------------

    @property
    def language(self) -> str:
        return self.session.language

    def say(self, code: str, **params: Any) -> str:
        return phrase(self.tree, code, self.language, **params)

    def ask(self, node: Node, expect: Expect = MENU_KEY) -> Reply:
        return Reply(COLLECT, node.prompt(self.language), node.code, expect)

    def contact_centre_open(self) -> bool:
        return info.contact_centre_status(self.at).open_now

    def closed_notice(self) -> str:
        return self.say("closed", **info.when(info.contact_centre_status(self.at).next_open))

    # ---- state ------------------------------------------------------------------------

    def wait(self, node: Node, awaiting: str, flow: dict[str, Any] | None = None) -> None:
        self.session.node_code = node.code
        self.session.failures = 0
        state: dict[str, Any] = {"await": awaiting}
        if self.session.state.get("told"):
            state["told"] = True
        if flow is not None:
            state["flow"] = flow
        self.session.state = state

    def flow(self) -> dict[str, Any]:
        found = self.session.state.get("flow")
        return dict(found) if isinstance(found, dict) else {}

    def set_flow(self, flow: dict[str, Any]) -> None:
        self.session.state = {**self.session.state, "flow": flow}

    def finish(self, outcome: str, transfer_to: str = "") -> None:
        self.session.outcome = outcome
        self.session.transfer_to = transfer_to
        self.session.ended_at = self.at
        self.session.state = {}

    def then(self, node: Node) -> None:
        """After self-service at ``node``: the PBX plays, then comes back for the next node."""
        self.wait(self.tree.after(node), CONTINUE)

    # ---- steps ------------------------------------------------------------------------

    def start(self) -> Reply:
        return self.enter(self.tree.root())

    def caller_hung_up(self) -> Reply:
        self.finish(Outcome.SELF_SERVED if self.session.served else Outcome.ABANDONED)
        return Reply("hangup", "", "caller_hangup", result="caller_hangup")

    def handle(self, raw: str) -> Reply:
        node = self.tree.nodes.get(self.session.node_code) or self.tree.root()
        if self.session.state.get("await") == CONTINUE:
            return self.enter(node)
        keys = rules.keys_of(raw)
        if node.kind == NodeKind.MENU:
            return self.choose(node, keys)
        if node.kind in (NodeKind.BALANCE, NodeKind.READING):
            return flows.handle(self, node, keys)
        return self.enter(node)

    def enter(self, node: Node) -> Reply:
        if node.kind == NodeKind.MENU:
            self.wait(node, COLLECT)
            reply = self.ask(node)
            told = self.session.state.get("told")
            if node.closed_notice and not told and not self.contact_centre_open():
                self.session.state = {**self.session.state, "told": True}
                return reply.after(self.closed_notice(), "closed")
            return reply
        if node.kind == NodeKind.INFO:
            text = info.info_text(node.info_source, self.tree, self.language, self.at)
            self.session.served = True
            self.then(node)
            return Reply("play", join(node.prompt(self.language), text), node.code)
        if node.kind in (NodeKind.BALANCE, NodeKind.READING):
            self.wait(node, COLLECT, flow={"step": flows.ACCOUNT})
            return flows.ask_account(self, node)
        if node.kind == NodeKind.TRANSFER:
            return self.transfer(node)
        self.finish(Outcome.SELF_SERVED if self.session.served else Outcome.ENDED)
        return Reply("hangup", node.prompt(self.language), node.code)

    def choose(self, node: Node, keys: str) -> Reply:
        if not keys:
            return self.fail(rules.NO_INPUT, self.ask(node))
        key = node.keys.get(keys)
        target = self.tree.nodes.get(key.target) if key is not None else None
        if key is None or target is None:
            return self.fail("invalid_choice", self.ask(node))
        if key.language:
            self.session.language = key.language
        return self.enter(target)

    def transfer(
        self,
        node: Node | None,
        before: str = "",
        before_code: str = "",
        *,
        escalating: bool = False,
    ) -> Reply:
        """CC-3: the recording warning, then the operator; outside CC-2's hours, say so and
        offer self-service instead."""
        prefix = [before_code] if before_code else []
        if self.contact_centre_open():
            target = (node.transfer_to if node is not None else "") or DEFAULT_TRANSFER
            own = node.prompt(self.language) if node is not None else ""
            text = join(before, self.say("recording_warning"), own)
            codes = [*prefix, "recording_warning", node.code if node is not None else OPERATOR]
            self.finish(Outcome.TRANSFERRED, transfer_to=target)
            return Reply("transfer", text, "+".join(codes), transfer_to=target)
        current = self.session.node_code
        if escalating and current in (ROOT, MAIN):
            self.finish(Outcome.SELF_SERVED if self.session.served else Outcome.ENDED)
            text = join(before, self.say("goodbye"))
            return Reply("hangup", text, "+".join([*prefix, "goodbye"]))
        back = self.tree.after(node) if node is not None else self.tree.main()
        self.wait(back, CONTINUE)
        self.session.state = {**self.session.state, "told": True}
        return Reply("play", join(before, self.closed_notice()), "+".join([*prefix, "closed"]))

    def fail(self, code: str, again: Reply, said: str = "") -> Reply:
        """A refused entry: say why and ask again; the third time, the operator."""
        self.session.failures += 1
        message = said or self.say(code)
        spoken = f"refused_{code}" if said else code
        if self.session.failures >= MAX_TRIES:
            tries = join(message, self.say("too_many_tries"))
            reply = self.transfer(
                self.tree.nodes.get(OPERATOR), tries, f"{spoken}+too_many_tries", escalating=True
            )
        else:
            reply = again.after(message, spoken)
        return replace(reply, error=code, message=message, result=code)
