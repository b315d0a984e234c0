"""The warm-up a worker runs in its idle time after reporting ready: work done, nothing recorded."""

from __future__ import annotations

from pathlib import Path

from pactpool_worker.http.wire import HttpRequest
from pactpool_worker.pact import load_pact
from pactpool_worker.service.logbook import Logbook
from pactpool_worker.service.mock import MockOptions, MockService

FIXTURES = Path(__file__).resolve().parents[2] / "tools" / "fixtures"


def _service(name: str) -> MockService:
    return MockService(load_pact((FIXTURES / name).read_bytes()), MockOptions(), Logbook())


def test_warm_up_builds_each_body_plan_and_answer_once() -> None:
    service = _service("v3-2kb-body.json")
    (interaction,) = service.pact.interactions
    assert interaction.request is not None
    assert "json-plans" not in interaction.request.body.parsed_cache  # nothing built at create
    steps = list(service.warm_up())
    assert len(steps) == 1  # one step per HTTP interaction
    (plan,) = interaction.request.body.parsed_cache["json-plans"].values()
    assert plan.whole is not None  # the generated quick check too
    assert interaction.index in service._answers  # the prepared answer


def test_warm_up_records_and_logs_nothing() -> None:
    service = _service("v3-50-interactions.json")
    before = service.recorder.mismatches()
    assert len(list(service.warm_up())) == 50
    assert service.recorder.mismatches() == before  # still every interaction missing
    assert not service.recorder.matched()
    assert service.log.text() == ""


def test_requests_after_warm_up_are_answered_as_before() -> None:
    cold, warm = _service("v3-1-interaction.json"), _service("v3-1-interaction.json")
    list(warm.warm_up())
    request = HttpRequest("GET", "/items/1", "full=1&lang=en", [], b"", "1.1", None)
    answers = [(a.status, a.headers, a.body) for a in (cold.handle(request),
                                                       warm.handle(request))]
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert warm.recorder.matched() and cold.recorder.matched()
