"""Run every official Pact specification case (V1 to V4) and print pass counts.

    python tools/conformance.py [--cases DIR] [--verbose] [--every-case]

Request cases run twice: through the pure matcher, and through a live mock server
(`pactpool.MockServer`), the case's `actual` sent over a raw socket byte for byte as the case
states it (method spelling, raw path and query, repeated headers, body bytes), so what is
measured is what the case says, not what pactpool can parse. A request HTTP cannot carry (an
empty path) is listed by name as impossible, never counted as passed. Response and message
cases run through the pure matcher (a mock server never matches responses or messages).

Prints one table row per version and kind, every failure and every impossible case by name
(`--every-case`: every case's verdict); the exit code is 1 when any case fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import spec_cases  # noqa: E402
from matching.case_adapter import (  # noqa: E402
    KINDS,
    SPEC_VERSIONS,
    NotExpressible,
    case_pact,
    describe,
    pure_mismatches,
    send,
    wire_request,
)

import pactpool  # noqa: E402


@dataclass
class Tally:
    """Pass counts of one version and kind; `live` stays None where nothing runs live."""

    cases: int = 0
    pure: int = 0
    live: int | None = None
    impossible: list[str] = field(default_factory=list)
    """Request cases no HTTP message can carry, by name: neither passed nor failed."""
    failures: list[str] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)
    """One line per case and run (`--every-case`)."""


def run_pure(version: str, kind: str, path: Path, tally: Tally) -> None:
    case = spec_cases.load_case(path)
    try:
        mismatches = pure_mismatches(case, version, kind)
    except Exception as exc:  # a crash is a failure to report, not a reason to stop
        tally.failures.append(f"pure {spec_cases.case_id(path)}: raised {exc!r}")
        return
    if (not mismatches) == case["match"]:
        tally.pure += 1
        tally.verdicts.append(f"pass       pure {spec_cases.case_id(path)}")
    else:
        tally.failures.append(f"pure {spec_cases.case_id(path)}: {describe(case, mismatches)}")
        tally.verdicts.append(f"FAIL       pure {spec_cases.case_id(path)}")


def run_live(version: str, path: Path, tally: Tally) -> None:
    case = spec_cases.load_case(path)
    name = spec_cases.case_id(path)
    tally.live = tally.live or 0
    try:
        request = wire_request(case["actual"], version)
    except NotExpressible as exc:
        tally.impossible.append(f"live {name}: {exc}")
        tally.verdicts.append(f"impossible live {name}")
        return
    try:
        with pactpool.MockServer(case_pact(case, version)) as server:
            status = send(server.port, request)
            matched = server.matched
            details = pactpool.mock_server_mismatches(server.port)
    except Exception as exc:
        tally.failures.append(f"live {name}: raised {exc!r}")
        tally.verdicts.append(f"FAIL       live {name}")
        return
    if matched == case["match"]:
        tally.live += 1
        tally.verdicts.append(f"pass       live {name}")
    else:
        tally.failures.append(f"live {name}: expected match={case['match']}, mock server said "
                              f"{matched} (HTTP {status}): {details}")
        tally.verdicts.append(f"FAIL       live {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", help=f"the spec-testcases folder (default: "
                                        f"${spec_cases.ENV_VAR} or {spec_cases.spec_root()})")
    parser.add_argument("--verbose", action="store_true", help="print every failure in full")
    parser.add_argument("--every-case", action="store_true",
                        help="print every case's verdict (pass, FAIL, impossible)")
    args = parser.parse_args(argv)
    if args.cases:
        os.environ[spec_cases.ENV_VAR] = args.cases
    reason = spec_cases.missing_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    started = time.perf_counter()
    tallies: dict[tuple[str, str], Tally] = {}
    for version in SPEC_VERSIONS:
        for kind in KINDS:
            paths = spec_cases.case_files(version, kind)
            if not paths:
                continue
            tally = tallies[(version, kind)] = Tally(cases=len(paths))
            for path in paths:
                run_pure(version, kind, path, tally)
                if kind == "request":
                    run_live(version, path, tally)
    if args.every_case:
        for t in tallies.values():
            print("\n".join(t.verdicts))
        print()
    print_table(tallies)
    failures = [f for t in tallies.values() for f in t.failures]
    impossible = [i for t in tallies.values() for i in t.impossible]
    for failure in failures:
        print(failure if args.verbose else failure.splitlines()[0][:300])
    if impossible:
        print(f"\nnot expressible over HTTP ({len(impossible)}; neither passed nor failed):")
        print("\n".join(f"  {line}" for line in impossible))
    live = [t for t in tallies.values() if t.live is not None]
    live_cases = sum(t.cases for t in live)
    live_passed = sum(t.live or 0 for t in live)
    print(f"\nlive: {live_passed} of {live_cases} request cases passed "
          f"({live_cases - len(impossible)} expressible over HTTP)")
    print(f"{sum(t.cases for t in tallies.values())} cases, {len(failures)} failure(s), "
          f"{len(impossible)} impossible, {time.perf_counter() - started:.1f} s")
    return 1 if failures else 0


def print_table(tallies: dict[tuple[str, str], Tally]) -> None:
    header = (f"{'version':<8} {'kind':<9} {'cases':>5}  {'pure':>9}  {'live':>9}  "
              f"{'impossible':>10}")
    print(header)
    print("-" * len(header))
    for (version, kind), t in tallies.items():
        live = f"{t.live}/{t.cases}" if t.live is not None else "-"
        impossible = str(len(t.impossible)) if t.live is not None else "-"
        print(f"{version:<8} {kind:<9} {t.cases:>5}  {f'{t.pure}/{t.cases}':>9}  {live:>9}  "
              f"{impossible:>10}")


if __name__ == "__main__":
    sys.exit(main())
