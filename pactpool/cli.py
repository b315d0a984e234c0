"""The `pactpool` command: serve a pact in the foreground, or run the demo."""

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pactpool",
        description="Pact mock servers, one process each.",
    )
    parser.add_argument("--version", action="version", version=f"pactpool {__version__}")
    parser.add_argument("--log-level", default="info",
                        choices=["error", "warn", "info", "debug", "trace"],
                        help="what the workers keep in their logs (default: info)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="serve one pact until Ctrl-C, then report")
    serve.add_argument("pact", help="path to a pact JSON file")
    serve.add_argument("--port", type=int, default=0, help="port to bind (default: any free)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--cors", action="store_true",
                       help="answer unmatched OPTIONS preflight requests with 204")

    commands.add_parser("demo", help="start three mock servers, drive requests, show results")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure(log_level=args.log_level)
    try:
        if args.command == "serve":
            return serve(args.pact, args.host, args.port, cors=args.cors)
        from pactpool import demo

        return demo.run()
    except PactPoolError as exc:
        print(f"pactpool: error: {exc}", file=sys.stderr)
        return 1


def serve(pact: str, host: str, port: int, *, cors: bool = False) -> int:
    """Serve until SIGINT/SIGTERM; exit 0 when the pact was matched, 2 when not."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with MockServer(pact, host, port, cors_preflight=cors) as server:
        print(f"pactpool: serving {pact} on {server.url} (worker pid {server.pid}); "
              "Ctrl-C to stop", flush=True)
        while not stop.wait(3600):
            pass
        records = server.mismatches()
        print(format_report(server.url, records), flush=True)
        return 0 if not records else 2


if __name__ == "__main__":
    sys.exit(main())
