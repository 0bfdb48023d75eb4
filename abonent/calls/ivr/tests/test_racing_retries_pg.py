"""The PBX retrying a step while the first request still runs: one session, one step, the
same answer for every delivery — the session row is locked for the step (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from abonent.calls.demo import load_calls_demo
from abonent.calls.ivr import services
from abonent.calls.ivr.demo import load_demo
from abonent.calls.ivr.models import IvrSession, IvrStep
from abonent.calls.ivr.tests.conftest import Clock

THREADS = 8

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _race(seq: int, keys: str, actor: Any) -> list[services.StepAnswer]:
    barrier = threading.Barrier(THREADS)
    answers: list[services.StepAnswer] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            answers.append(
                services.take_step(
                    session_id="RACE-1",
                    caller="87011234567",
                    keys=keys,
                    seq=seq,
                    hangup=False,
                    actor=actor,
                )
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return answers


def test_racing_deliveries_of_a_step_advance_the_session_once(demo: None, clock: Clock) -> None:
    load_calls_demo()
    load_demo()
    pbx = get_user_model().objects.get(username="oktell")
    first = _race(1, "", pbx)
    assert all(a.body == first[0].body for a in first)
    assert sorted(a.replay for a in first) == [False] + [True] * (THREADS - 1)
    second = _race(2, "2", pbx)
    assert all(a.body == second[0].body for a in second)
    assert second[0].body["language"] == "kk"
    assert IvrSession.objects.count() == 1
    assert list(IvrStep.objects.order_by("seq").values_list("seq", "input")) == [(1, ""), (2, "2")]
    assert IvrSession.objects.get().last_seq == 2
