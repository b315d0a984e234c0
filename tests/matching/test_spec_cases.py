"""The official Pact specification matching cases (V1 to V4) against the pure matcher.

One test per case file: requests, responses and (V3, V4) messages. Message contents are
matched as bodies and their metadata as a headers-like map (see `docs/matching.md`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spec_cases
from matching.case_adapter import KINDS, SPEC_VERSIONS, describe, pure_mismatches

if spec_cases.missing_reason() is not None:
    pytest.skip(spec_cases.missing_reason() or "", allow_module_level=True)

CASES = [pytest.param(version, kind, path, id=spec_cases.case_id(path))
         for version in SPEC_VERSIONS for kind in KINDS
         for path in spec_cases.case_files(version, kind)]


def test_every_version_and_kind_has_its_cases() -> None:
    counts = {(v, k): len(spec_cases.case_files(v, k)) for v in SPEC_VERSIONS for k in KINDS}
    assert counts[("v3", "message")] == counts[("v4", "message")] == 31
    assert counts[("v3", "request")] == counts[("v4", "request")] == 98
    assert counts[("v4", "response")] == 97


@pytest.mark.parametrize(("version", "kind", "path"), CASES)
def test_spec_case(version: str, kind: str, path: Path) -> None:
    case = spec_cases.load_case(path)
    mismatches = pure_mismatches(case, version, kind)
    assert (not mismatches) == case["match"], describe(case, mismatches)
