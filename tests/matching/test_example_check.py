"""The public example check: one rule, one example value, the server's own verdict."""

from __future__ import annotations

from typing import Any

import pytest

from pactpool_worker.matching import check_example


@pytest.mark.parametrize(("rule", "example"), [
    ({"match": "regex", "regex": r"\d+"}, "123"),
    ({"match": "type"}, {"a": 1}),
    ({"match": "type", "min": 1}, [1, 2]),
    ({"match": "integer"}, 7),
    ({"match": "decimal"}, 1.5),
    ({"match": "number"}, 3),
    ({"match": "boolean"}, True),
    ({"match": "null"}, None),
    ({"match": "include", "value": "ell"}, "hello"),
    ({"match": "date", "format": "yyyy-MM-dd"}, "2024-02-29"),
    ({"match": "time", "format": "HH:mm"}, "23:59"),
    ({"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss"}, "2024-01-01T10:00:00"),
    ({"match": "semver"}, "1.2.3"),
    ({"match": "notEmpty"}, [1]),
])
def test_an_example_that_satisfies_its_rule_passes(rule: dict[str, Any], example: Any) -> None:
    assert check_example(rule, example) is None


@pytest.mark.parametrize(("rule", "example", "text"), [
    ({"match": "regex", "regex": r"\d+"}, "12a", "Expected '12a' to match '\\d+'"),
    ({"match": "integer"}, 1.5, "Expected 1.5 (Decimal) to be an integer"),
    ({"match": "type", "min": 2}, [1], "Expected [1] (size 1) to have minimum size of 2"),
    ({"match": "type", "max": 1}, [1, 2], "Expected [1, 2] (size 2) to have maximum size of 1"),
    ({"match": "null"}, 0, "Expected 0 (Integer) to be a null value"),
    ({"match": "date", "format": "yyyy-MM-dd"}, "2023-02-29", "to match a date pattern"),
    ({"match": "notEmpty"}, [], "Expected [] (Array) to not be empty"),
])
def test_an_example_that_breaks_its_rule_gets_the_servers_text(rule: dict[str, Any],
                                                               example: Any, text: str) -> None:
    message = check_example(rule, example)
    assert message is not None and text in message


def test_a_rule_that_cannot_compile_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match="does not compile"):
        check_example({"match": "regex", "regex": "("}, "a")
    with pytest.raises(ValueError, match="unknown matching rule 'nope'"):
        check_example({"match": "nope"}, "a")
