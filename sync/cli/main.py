"""The `sla-sync` command line: one entry point, settings built once, documented exit codes.

Each command lives in its own module (`sync/cli/<command>.py`, with `add_parser` and its
`cmd_*`); this module assembles the parser and maps every failure to one line on standard
error and an exit code (sync.errors: 0 ok, 1 failed, 2 configuration or usage, 3 the state
store is held by another process, 4 the state store is unusable, 5 `run` cannot listen, 70 a
bug, 130 Ctrl-C, 141 output pipe closed).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from sla import ConfigError, SlaError
from sync.cli import (
    check,
    demo,
    example,
    explain,
    init,
    migrate,
    report,
    run,
    sandbox,
    sync,
    webhook,
)
from sync.errors import (
    EXIT_BUG,
    EXIT_BUSY,
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LISTEN,
    EXIT_PIPE,
    EXIT_STORE,
    FatalTrackerError,
    ListenError,
    RetriableTrackerError,
    StoreBusyError,
    StoreError,
    UnsupportedError,
    UsageError,
)

__all__ = ["build_parser", "main"]

_EPILOG = """\
start here: `sla-sync init` (reads your tracker, writes sla-sync.yaml), then `check`,
`sync --dry-run`, `sync`. Exit codes: 0 ok; 1 some issues (or the tracker, or the
check) failed; 2 configuration or usage error (nothing was done); 3 another sla-sync
holds the state store; 4 the state store is unusable; 5 `run` cannot listen; 70 a bug
(run with --debug); 130 interrupted; 141 the output pipe was closed."""


def _common_options() -> argparse.ArgumentParser:
    # Accepted before and after the command (`sla-sync check --config x.yaml` works too).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        default=argparse.SUPPRESS,
        help="settings YAML (default: $SLA_SYNC_CONFIG, else ./sla-sync.yaml)",
    )
    common.add_argument(
        "--regulation",
        default=argparse.SUPPRESS,
        help="regulation YAML (default: the settings' or the shipped one)",
    )
    common.add_argument(
        "--lang",
        default=argparse.SUPPRESS,
        help="en: English words in tables and HTML (default: the regulation's language)",
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the traceback of an unexpected error",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="sla-sync",
        description="Runs a support regulation's SLA on top of Jira or YouTrack.",
        epilog=_EPILOG,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands = (init, check, sync, explain, report, run, webhook, migrate, demo, sandbox, example)
    for module in commands:
        module.add_parser(sub, [common])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure is one line on stderr and a documented exit code."""
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except UsageError as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except ConfigError as exc:
        print(f"sla-sync: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StoreBusyError as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except StoreError as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_STORE
    except ListenError as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_LISTEN
    except SlaError as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (FatalTrackerError, RetriableTrackerError) as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except UnsupportedError as exc:
        print(f"sla-sync: {exc}" + (f"\n{exc.steps}" if exc.steps else ""), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): say nothing more, and let Python's final flush
        # of standard output go nowhere instead of raising again.
        with contextlib.suppress(AttributeError, OSError, ValueError):  # not a file
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE
    except Exception as exc:
        if getattr(args, "debug", False):
            raise
        print(
            f"sla-sync: unexpected error ({type(exc).__name__}: {exc}); this is a bug: "
            "run again with --debug and report the traceback",
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
