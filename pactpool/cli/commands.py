"""The `pactpool` command: serve a pact, run the HTTP control API, check pact files, a demo."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from pactpool import __version__
from pactpool.api import MockServer, configure
from pactpool.errors import PactPoolError
from pactpool.report import format_report

LOG_LEVELS = ["error", "warn", "info", "debug", "trace"]
LOG_HELP = ("what the mock server processes keep in their logs: error, warn, info, debug or "
            "trace (default: info); also accepted after the command")

EPILOG = """\
examples:
  pactpool serve pacts/web-users.json --port 1234   serve one pact until Ctrl-C
  pactpool control --port 8080 --output pacts/      HTTP API compatible with pact_mock_server_cli
  pactpool check pacts/*.json                       validate pacts, list their interactions
  pactpool demo                                     three servers, real traffic, clean end

`pactpool COMMAND --help` tells more about each command.
"""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log-level", default=argparse.SUPPRESS, choices=LOG_LEVELS,
                        metavar="LEVEL", help=LOG_HELP)
    parser = argparse.ArgumentParser(
        prog="pactpool",
        description="Pact mock servers for consumer contract tests, one process each.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pactpool {__version__}")
    parser.add_argument("--log-level", default="info", choices=LOG_LEVELS, metavar="LEVEL",
                        help=LOG_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                     title="commands")

    serve = commands.add_parser(
        "serve", parents=[common], help="serve one pact until Ctrl-C, then report",
        description="Serve one pact in the foreground. On Ctrl-C (or SIGTERM) print what "
                    "the server saw; exit 0 when the pact was honoured, 2 when not.")
    serve.add_argument("pact", help="path to a pact JSON file")
    serve.add_argument("--port", type=int, default=0, help="port to bind (default: any free)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--cors", action="store_true",
                       help="answer unmatched OPTIONS preflight requests with 204")

    control = commands.add_parser(
        "control", parents=[common],
        help="run the HTTP control API (compatible with pact_mock_server_cli)",
        description="Run an HTTP server that creates, lists, verifies and stops mock servers "
                    "(the routes of the Rust pact_mock_server_cli master: GET /, POST /, "
                    "GET|DELETE /mockserver/ID, POST /mockserver/ID/verify, POST /shutdown). "
                    "Prints the URL it listens on and the server key, then serves until "
                    "POST /shutdown, Ctrl-C or SIGTERM; every mock server is stopped then.")
    control.add_argument("--host", default="127.0.0.1",
                         help="address to listen on, and to bind mock servers to "
                              "(default: 127.0.0.1, loopback only)")
    control.add_argument("--port", type=int, default=8080,
                         help="port to listen on; 0 picks a free one (default: 8080)")
    control.add_argument("--output", "-o", default=".", metavar="DIR",
                         help="where verify writes pact files, merged (default: the current "
                              "directory)")
    control.add_argument("--server-key", metavar="KEY", default=None,
                         help="the key POST /shutdown must present as 'Authorization: Bearer "
                              "KEY' (default: 16 random letters and digits, printed at start)")

    check = commands.add_parser(
        "check", parents=[common], help="validate pact files and list their interactions",
        description="Load each pact as a mock server would and print what it contains: per "
                    "interaction its type, description, method, path, and the number of "
                    "matching rules and generators. Exit 1 if any file is not a valid pact; "
                    "the error names the file and the JSON path of the problem.")
    check.add_argument("pacts", nargs="+", metavar="PACT", help="pact JSON file(s)")

    commands.add_parser("demo", parents=[common],
                        help="start three mock servers, drive requests, show results",
                        description="Start three mock servers from bundled pacts, send them "
                                    "real HTTP requests (some wrong on purpose), print each "
                                    "verdict, and show that every port is closed after.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            from pactpool.cli.check import check_files

            return check_files(args.pacts)
        configure(log_level=args.log_level)
        if args.command == "serve":
            return serve(args.pact, args.host, args.port, cors=args.cors)
        if args.command == "control":
            return control(args.host, args.port, output=args.output,
                           server_key=args.server_key, log_level=args.log_level)
        from pactpool.cli import demo

        return demo.run()
    except PactPoolError as exc:
        print(f"pactpool: error: {exc}", file=sys.stderr)
        return 1


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def serve(pact: str, host: str, port: int, *, cors: bool = False) -> int:
    """Serve until SIGINT/SIGTERM; exit 0 when the pact was matched, 2 when not."""
    stop = _stop_on_signals()
    print(f"pactpool: starting a mock server for {pact} ...", file=sys.stderr, flush=True)
    with MockServer(pact, host, port, cors_preflight=cors) as server:
        print(f"pactpool: serving {pact} on {server.url} (worker pid {server.pid}); "
              "Ctrl-C to stop", flush=True)
        while not stop.wait(3600):
            pass
        records = server.mismatches()
        print(format_report(server.url, records), flush=True)
        return 0 if not records else 2


def control(host: str, port: int, *, output: str = ".", server_key: str | None = None,
            log_level: str = "info") -> int:
    """Run the control API until POST /shutdown or a signal; then stop every mock server."""
    from pactpool.cli.control_api import ControlServer, stderr_log

    quiet = log_level in ("error", "warn")
    try:
        server = ControlServer(host, port, output=output, server_key=server_key,
                               log=(lambda _: None) if quiet else stderr_log)
    except OSError as exc:
        print(f"pactpool: error: cannot listen on {host}:{port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    stop = _stop_on_signals()
    server.serve_in_background()
    print(f"pactpool control: listening on {server.url}", flush=True)
    print(f"pactpool control: server key: {server.server_key}", flush=True)
    print(f"pactpool control: verified pacts are written to {server.output}", flush=True)
    try:
        while not stop.is_set() and not server.finished.wait(0.2):  # poll: signal or shutdown
            pass
    finally:
        server.close()
    print("pactpool control: stopped", flush=True)
    return 0

