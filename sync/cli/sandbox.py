"""`sla-sync sandbox`: a sandbox tracker in the foreground, and the `init` line to try on it."""

from __future__ import annotations

import argparse
import errno
import threading

from sync import registry
from sync.errors import EXIT_OK, ListenError, UsageError

__all__ = ["add_parser", "cmd_sandbox", "init_command"]


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `sandbox` sub-command."""
    p = sub.add_parser("sandbox", parents=parents, help="run a local sandbox tracker")
    p.add_argument("--port", type=int, default=8080, help="0: any free port (default 8080)")
    p.add_argument("--scenario", default="demo", help="shipped scenario name or a YAML path")
    kinds = [k for k in registry.all_kinds() if k.sandbox]
    p.add_argument("--tracker", choices=[k.name for k in kinds], default=kinds[0].name)
    p.add_argument(
        "--mode",
        help="; ".join(f"{k.name}: {' or '.join(k.sandbox.modes)}" for k in kinds if k.sandbox),
    )
    p.set_defaults(func=cmd_sandbox)


def init_command(sb) -> str:
    """The `sla-sync init` line that reads this sandbox (its credentials are public)."""
    link = registry.get(sb.tracker, "sandbox", "--tracker").sandbox
    return link.init_command(sb) if link and link.init_command else ""


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Run a sandbox tracker until Ctrl-C."""
    from sandbox import start_sandbox

    kind = registry.get(args.tracker, "sandbox", "--tracker")
    modes = kind.sandbox.modes if kind.sandbox else ("cloud",)
    if args.mode and args.mode not in modes:
        raise UsageError("--mode", f"{args.mode!r}: {kind.name} plays {' or '.join(modes)}")
    if not 0 <= args.port <= 65535:
        raise UsageError("--port", f"{args.port}: a port is 0-65535 (0: any free one)")
    try:
        sb = start_sandbox(kind.name, args.scenario, args.mode or modes[0], args.port)
    except FileNotFoundError:
        raise UsageError(
            "--scenario", f"{args.scenario!r}: no shipped scenario (demo) and no such file"
        ) from None
    except ValueError as exc:
        raise UsageError("--scenario", f"{args.scenario}: {exc}") from None
    except OSError as exc:
        address = f"127.0.0.1:{args.port}"
        if exc.errno == errno.EADDRINUSE:
            raise ListenError(
                address,
                "the port is in use (another sandbox?)",
                "choose another --port, or --port 0 for any free one",
            ) from None
        raise ListenError(
            address, exc.strerror or type(exc).__name__, "choose another --port"
        ) from None
    try:
        _announce(sb)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
    return EXIT_OK


def _announce(sb) -> None:
    print(
        f"{sb.tracker} sandbox ({sb.mode}, scenario {sb.state.scenario.name}, "
        f"{len(sb.state.issues)} issues) at {sb.url}"
    )
    print(f"service account: e-mail {sb.email}, token {sb.token}")
    print(f"human user: e-mail {sb.human_email}, token {sb.human_token}")
    print("try sla-sync on it, from another terminal and an empty directory:")
    print(f"  {init_command(sb)}")
    print("Ctrl-C to stop", flush=True)
