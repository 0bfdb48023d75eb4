"""Whatever the body, POST /api/v1/readings answers 201, 403 or 422 — never a 500 — and a
refused body stores nothing. (A body with a NUL character anywhere is refused before the
API by the core middleware: 400 ``invalid_characters``.)"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abonent.cabinet.models import Meter, Reading

from .conftest import Api, Clock

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _post(api: Api, body: Any) -> int:
    data = json.dumps(body)
    response = api.client.post(
        "/api/v1/readings", data=data, content_type="application/json", headers=api.headers
    )
    if "\\u0000" in data:
        assert (response.status_code, response.json()["code"]) == (400, "invalid_characters")
        return 400
    assert response.status_code in (201, 403, 422), (body, response.status_code, response.content)
    if response.status_code != 201:
        assert response.json()["code"]
    return response.status_code


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    account=st.one_of(st.just("100200300"), json_values),
    serial=st.one_of(st.just("HW-1"), json_values),
    value=json_values,
    source=st.one_of(st.just("ivr"), json_values),
    confirm=json_values,
)
def test_random_bodies_never_fail_the_server(
    ivr: Api,
    meter: Meter,
    clock: Clock,
    account: Any,
    serial: Any,
    value: Any,
    source: Any,
    confirm: Any,
) -> None:
    before = Reading.objects.count()
    status = _post(
        ivr,
        {"account": account, "meter": serial, "value": value, "source": source, "confirm": confirm},
    )
    if status != 201:
        assert Reading.objects.count() == before


def test_a_body_that_is_not_an_object(ivr: Api, meter: Meter, clock: Clock) -> None:
    for body in ([], "x", 5, None):
        assert _post(ivr, body) == 422
