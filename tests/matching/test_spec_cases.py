"""The official Pact specification matching cases (V1, V1.1, V2) against the pure matcher."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spec_cases

from pactpool_worker.matching import match_request, match_response
from pactpool_worker.pact import load_request, load_response

if spec_cases.missing_reason() is not None:
    pytest.skip(spec_cases.missing_reason() or "", allow_module_level=True)

SPEC_VERSIONS = {"v1": "1.0.0", "v1.1": "1.1.0", "v2": "2.0.0"}


def _files(kind: str) -> list[Any]:
    return [pytest.param(path, SPEC_VERSIONS[version], id=spec_cases.case_id(path))
            for version in SPEC_VERSIONS for path in spec_cases.case_files(version, kind)]


def _describe(case: dict[str, Any], mismatches: list[Any]) -> str:
    listed = "\n".join(f"  {m.to_json()}" for m in mismatches) or "  (none)"
    return f"{case['comment']!r}: expected match={case['match']}, mismatches:\n{listed}"


@pytest.mark.parametrize(("path", "spec"), _files("request"))
def test_request_case(path: Path, spec: str) -> None:
    case = spec_cases.load_case(path)
    expected = load_request(case["expected"], spec)
    actual = load_request(case["actual"], spec)
    result = match_request(expected, actual)
    mismatches: list[Any] = [*([result.method_mismatch] if result.method_mismatch else []),
                             *result.path_mismatches, *result.mismatches]
    assert result.all_matched == (not mismatches)
    assert (not mismatches) == case["match"], _describe(case, mismatches)


@pytest.mark.parametrize(("path", "spec"), _files("response"))
def test_response_case(path: Path, spec: str) -> None:
    case = spec_cases.load_case(path)
    expected = load_response(case["expected"], spec)
    actual = load_response(case["actual"], spec)
    mismatches = match_response(expected, actual)
    assert (not mismatches) == case["match"], _describe(case, mismatches)
