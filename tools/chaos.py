"""A bounded, seeded, repeatable fault campaign against pactpool (run by hand, and by a smoke test).

    python tools/chaos.py --faults N --seed S [--timeout-budget SECONDS] [--only INDEX ...]
                          [--kinds kill-parent,...] [--verbose]

Faults, picked by weight from `random.Random(seed)` (the first six cover every kind once,
in a seeded order, so even a short campaign tries them all):

- kill-parent: a harness script in a subprocess creates 1-3 servers and is sent SIGKILL
  (sometimes SIGTERM or SIGINT); its workers must be gone and its ports refuse within 1 s.
- kill-worker: a worker of this process gets SIGKILL, SIGSEGV or SIGTERM (or idle workers
  of the warm pool are killed); its server must report the death, clean up, and leave the
  other servers untouched.
- stop-worker: a worker is SIGSTOPped; a controller call must time out on its deadline, and
  cleanup must still stop it (or, resumed, it must answer again with a correct record).
- malformed-http: bad request lines, bad header bytes, truncated and oversized bodies, too
  many headers, pipelining, idle and slowloris connections; the server must answer or close
  as the limits say, record every answered request, and serve the next client.
- malformed-pact: corrupted pacts; create_mock_server must raise a PactPoolError quickly
  and leave no process behind.
- hostile-pact: pacts built to stall or bloat a server (`chaos_hostile`): catastrophic
  regexes, huge repeated values, out-of-range statuses, deep nesting, bad Unicode, huge
  pacts; no hang, no untyped error, the worker answers a good request and the controller;
  the largest record per family is printed.

After every fault the invariants of `chaos_world.World.check` must hold: no recorded request
lost (every answered request in the server's record), no orphaned process, no port left
listening, the bystander server still answering and matched. At the end the campaign
process's descriptors, threads and worker children must be back where they started.

Every fault is fixed by (seed, index): `--only INDEX` replays one. Traffic stays on
127.0.0.1. Prints a table; exits 1 if any fault failed (or the end state is off), else 0.
The time budget stops the campaign early (and says so) before a fault that might overrun it.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import hashlib
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the chaos_* helpers beside this file

import chaos_hostile
from chaos_faults import KINDS, Kind, Plan
from chaos_world import Outcome, World

# ==== the plan ==========================================================================

def make_plans(seed: int, count: int, kinds: list[Kind]) -> list[Plan]:
    """The campaign's faults, fixed by the seed. Each fault gets its own sub-seed, drawn from
    the master generator, so what one fault draws never shifts the faults after it."""
    master = random.Random(seed)
    order = master.sample(kinds, len(kinds))
    weights = [k.weight for k in kinds]
    plans = []
    for index in range(count):
        kind = order[index] if index < len(order) else master.choices(kinds, weights)[0]
        plans.append(kind.plan(random.Random(master.getrandbits(64)), index))
    return plans


def digest(plans: list[Plan]) -> str:
    """A fingerprint of the planned faults: equal seeds print equal digests."""
    h = hashlib.sha256()
    for plan in plans:
        h.update(repr((plan.index, plan.kind, plan.variant, sorted(plan.facets.items()),
                       sorted((k, repr(v)) for k, v in plan.params.items()))).encode())
    return h.hexdigest()[:16]


# ==== guards ============================================================================

class Watchdog:
    """Ends the campaign if one fault hangs far past its worst case: tracebacks, partial table."""

    def __init__(self, on_hang: Callable[[str], None]) -> None:
        self._on_hang = on_hang
        self._cond = threading.Condition()
        self._label = ""
        self._deadline: float | None = None
        self._thread = threading.Thread(target=self._watch, name="chaos-watchdog", daemon=True)
        self._thread.start()

    def arm(self, label: str, seconds: float) -> None:
        with self._cond:
            self._label, self._deadline = label, time.monotonic() + seconds
            self._cond.notify()

    def disarm(self) -> None:
        with self._cond:
            self._deadline = None
            self._cond.notify()

    def _watch(self) -> None:
        with self._cond:
            while True:
                if self._deadline is None:
                    self._cond.wait()
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                self._on_hang(self._label)
                return


class WorkerLog:
    """Workers' stderr goes to a file, not the table: the forkserver is started while fd 2
    points there, and every worker inherits it. New lines are read back after each fault."""

    def __init__(self, path: str | None) -> None:
        if path is None:
            handle, path = tempfile.mkstemp(prefix="pactpool-chaos-", suffix=".log")
            os.close(handle)
            self.keep = False
        else:
            self.keep = True
        self.path = path
        self._offset = 0

    @contextlib.contextmanager
    def capturing(self) -> Iterator[None]:
        sys.stderr.flush()
        saved = os.dup(2)
        target = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(target, 2)
        os.close(target)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)

    def new_text(self) -> str:
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except OSError:
            return ""
        self._offset += len(data)
        return data.decode(errors="replace")

    def finish(self) -> str:
        try:
            text = Path(self.path).read_text(errors="replace")
        except OSError:
            text = ""
        if not self.keep:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        if not text:
            return "worker stderr: empty"
        where = f"kept in {self.path}" if self.keep else "keep it with --worker-log PATH"
        return (f"worker stderr: {len(text)} bytes, {text.count('Traceback')} tracebacks "
                f"(excerpts with the faults below; {where})")


# ==== the campaign ======================================================================

@dataclass
class Campaign:
    seed: int
    requested: int
    budget: float
    plans: list[Plan]
    results: list[Outcome] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    stopped_early: str = ""
    end_problems: list[str] = field(default_factory=list)
    end_state: str = ""
    worker_log: str = ""
    replay_args: str = ""

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.results) or bool(self.end_problems)


def run(campaign: Campaign, world: World, log: WorkerLog, watchdog: Watchdog, *,
        verbose: bool, out: TextIO) -> None:
    kinds = {k.name: k for k in KINDS}
    for plan in campaign.plans:
        elapsed = time.monotonic() - campaign.started
        if elapsed + plan.worst_case > campaign.budget:
            campaign.stopped_early = (
                f"stopped early: the time budget of {campaign.budget:g} s ran out after "
                f"{len(campaign.results)} of {len(campaign.plans)} faults ({elapsed:.1f} s "
                f"spent; fault #{plan.index} {plan.kind}/{plan.variant} may take up to "
                f"{plan.worst_case:g} s)")
            break
        result = Outcome(plan.index, plan.kind, plan.variant)
        watchdog.arm(f"#{plan.index} {plan.kind}/{plan.variant}", plan.worst_case + 60.0)
        start = time.monotonic()
        before = set(world.running)
        try:
            kinds[plan.kind].run(world, plan, result)
        except Exception as exc:
            result.problems.append(f"the fault broke off: {type(exc).__name__}: {exc} "
                                   f"[{_where(exc)}]")
        left = [s for port, s in world.running.items() if port not in before]
        if left:
            result.expect(result.failed, f"servers left running by the fault: "
                                         f"{[s.port for s in left]}")
            world.abandon(left)
        try:
            world.check(result)
        except Exception as exc:
            result.problems.append(f"checking the invariants broke off: {type(exc).__name__}: "
                                   f"{exc} [{_where(exc)}]")
        result.duration = time.monotonic() - start
        watchdog.disarm()
        stderr = log.new_text().strip()
        if stderr and (result.failed or result.findings):
            result.notes.append("worker stderr: " + " | ".join(stderr.splitlines()[-4:]))
        campaign.results.append(result)
        if verbose:
            state = "FAILED" if result.failed else "ok"
            print(f"#{plan.index:<4} {plan.kind:15} {plan.variant:24} {result.duration:7.3f} s "
                  f"{state}", file=out, flush=True)


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[-2:]
    return " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))


# ==== the report ========================================================================

def report(campaign: Campaign) -> str:
    lines: list[str] = []
    wall = time.monotonic() - campaign.started
    results = campaign.results
    lines.append(f"pactpool chaos campaign: seed {campaign.seed}, {len(results)} of "
                 f"{campaign.requested} faults run, {wall:.1f} s wall "
                 f"(budget {campaign.budget:g} s), plan digest {digest(campaign.plans)}")
    if campaign.stopped_early:
        lines.append(campaign.stopped_early)
    lines.append("")
    lines.append(f"{'kind':16}{'injected':>9}{'survived':>9}{'failed':>8}"
                 f"{'median s':>10}{'max s':>8}")
    for kind in [k.name for k in KINDS]:
        mine = [r for r in results if r.kind == kind]
        failed = sum(r.failed for r in mine)
        durations = [r.duration for r in mine] or [0.0]
        lines.append(f"{kind:16}{len(mine):>9}{len(mine) - failed:>9}{failed:>8}"
                     f"{statistics.median(durations):>10.3f}{max(durations):>8.3f}")
    failed = sum(r.failed for r in results)
    lines.append(f"{'total':16}{len(results):>9}{len(results) - failed:>9}{failed:>8}")

    lines.append("")
    lines.append("variants (injected/failed):")
    for kind in [k.name for k in KINDS]:
        mine = [r for r in results if r.kind == kind]
        if not mine:
            continue
        variants: Counter[str] = Counter(r.variant for r in mine)
        broken: Counter[str] = Counter(r.variant for r in mine if r.failed)
        text = ", ".join(f"{v} {n}" + (f"/{broken[v]}" if broken[v] else "")
                         for v, n in sorted(variants.items()))
        lines.append(f"  {kind:15} {text}")
        facets: dict[str, Counter[str]] = defaultdict(Counter)
        plans = {p.index: p for p in campaign.plans}
        for r in mine:
            for name, facet_value in plans[r.index].facets.items():
                facets[name][facet_value] += 1
        notes: Counter[str] = Counter(n for r in mine for n in r.notes
                                      if not n.startswith("worker stderr"))
        for name, counts in sorted(facets.items()):
            lines.append(f"  {'':15}   {name}: " + ", ".join(
                f"{v} {n}" for v, n in sorted(counts.items())))
        if notes:
            lines.append(f"  {'':15}   outcomes: " + ", ".join(
                f"{v} {n}" for v, n in sorted(notes.items())))

    measures: dict[str, list[float]] = defaultdict(list)
    limits: dict[str, float | None] = {}
    for r in results:
        for measure, value, limit in r.measures:
            measures[measure].append(value)
            limits[measure] = limit
    if measures:
        lines.append("")
        lines.append(f"{'measured (seconds)':74}{'n':>5}{'median':>9}{'max':>9}{'limit':>8}")
        for measure in sorted(measures):
            values = measures[measure]
            limit = limits[measure]
            lines.append(f"  {measure:72}{len(values):>5}{statistics.median(values):>9.3f}"
                         f"{max(values):>9.3f}{'' if limit is None else f'{limit:g}':>8}")

    lines.extend(chaos_hostile.report_lines())
    lines.append("")
    lines.append(f"end state: {campaign.end_state}")
    lines.append(campaign.worker_log)
    broken_results = [r for r in results if r.failed]
    lines.append("")
    lines.append(f"failures: {len(broken_results) + bool(campaign.end_problems)}"
                 + ("" if broken_results or campaign.end_problems else " (none)"))
    plans = {p.index: p for p in campaign.plans}
    for r in broken_results:
        facet_text = ", ".join(f"{k}: {v}" for k, v in plans[r.index].facets.items())
        lines.append(f"  FAILED #{r.index} {r.kind}/{r.variant}"
                     f"{f' ({facet_text})' if facet_text else ''} after {r.duration:.3f} s; "
                     f"replay: python tools/chaos.py --seed {campaign.seed} --only {r.index}"
                     f"{campaign.replay_args}")
        lines.extend(f"    - {p}" for p in r.problems)
        lines.extend(f"    . {n}" for n in r.notes if n.startswith("worker stderr"))
    if campaign.end_problems:
        lines.append("  FAILED end of campaign: resources not back where they started")
        lines.extend(f"    - {p}" for p in campaign.end_problems)

    found: dict[str, list[tuple[Outcome, str]]] = defaultdict(list)
    for r in results:
        for key, detail in r.findings:
            found[key].append((r, detail))
    if found:
        lines.append("")
        lines.append(f"findings (survived, not counted as failures, worth a look): {len(found)}")
        for key, hits in found.items():
            first, detail = hits[0]
            indices = ", ".join(f"#{r.index}" for r, _ in hits[:12])
            more = f" and {len(hits) - 12} more" if len(hits) > 12 else ""
            lines.append(f"  {key}: {len(hits)} faults ({indices}{more}); replay: python "
                         f"tools/chaos.py --seed {campaign.seed} --only {first.index}"
                         f"{campaign.replay_args}")
            lines.append(f"    e.g. #{first.index} {first.kind}/{first.variant}: {detail}")
            lines.extend(f"    . {n}" for n in first.notes if n.startswith("worker stderr"))
    return "\n".join(lines)


# ==== main ==============================================================================

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--faults", type=int, default=100, help="how many faults (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="the campaign's seed (default 1)")
    parser.add_argument("--timeout-budget", type=float, default=600.0, metavar="SECONDS",
                        help="stop early, and say so, before the campaign could overrun this "
                             "(default 600)")
    parser.add_argument("--only", type=int, action="append", metavar="INDEX",
                        help="run only this fault of the seed's plan (repeatable): a replay")
    parser.add_argument("--kinds", default="", help="comma-separated kinds to draw from "
                        "(default all; this changes the plan)")
    parser.add_argument("--worker-log", default=None, metavar="PATH",
                        help="keep the workers' stderr in this file")
    parser.add_argument("--verbose", "-v", action="store_true", help="a line per fault")
    args = parser.parse_args(argv)
    if args.faults < 0:
        parser.error("--faults must be 0 or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kinds = KINDS
    replay = ""
    if args.kinds:
        wanted = [k.strip() for k in args.kinds.split(",") if k.strip()]
        unknown = set(wanted) - {k.name for k in KINDS}
        if unknown:
            print(f"unknown kinds {sorted(unknown)}; known: {[k.name for k in KINDS]}",
                  file=sys.stderr)
            return 2
        kinds = [k for k in KINDS if k.name in wanted]
        replay = f" --kinds {args.kinds}"
    count = max([args.faults, *[i + 1 for i in args.only or []]])
    plans = make_plans(args.seed, count, kinds)
    if args.only:
        plans = [p for p in plans if p.index in set(args.only)]
    campaign = Campaign(args.seed, len(plans), args.timeout_budget, plans, replay_args=replay)
    log = WorkerLog(args.worker_log)
    out = sys.stdout

    def on_hang(label: str) -> None:
        print(f"\nHANG: fault {label} ran far past its worst case; tracebacks follow, then "
              "the table so far", file=sys.stderr, flush=True)
        faulthandler.dump_traceback(all_threads=True)
        campaign.end_state = "not checked (hang)"
        print(report(campaign), file=out, flush=True)
        os._exit(1)

    watchdog = Watchdog(on_hang)
    world = World(tag=f"{os.getpid()}-{args.seed}")
    os.environ["PACTPOOL_CHAOS_TAG"] = world.tag
    try:
        with log.capturing():
            world.warm_up()  # the forkserver starts here and keeps the log as its stderr
        world.start()
        baseline = dict(world.baseline)
        run(campaign, world, log, watchdog, verbose=args.verbose, out=out)
        campaign.end_problems = world.finish()
        now = world.resources()
        campaign.end_state = ", ".join(f"{k} {baseline[k]} -> {now[k]}" for k in baseline) + (
            "  ok" if not campaign.end_problems else "  CHANGED")
    except KeyboardInterrupt:
        campaign.stopped_early = "interrupted (Ctrl-C): every server was stopped"
        campaign.end_state = "not checked (interrupted)"
        print(report(campaign), file=out, flush=True)
        return 130
    finally:
        campaign.worker_log = log.finish()
    print(report(campaign), file=out, flush=True)
    return 1 if campaign.failed else 0


if __name__ == "__main__":
    sys.exit(main())
