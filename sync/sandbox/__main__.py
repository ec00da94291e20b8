"""`python -m sync.sandbox [--port N] [--scenario NAME|PATH] [--mode cloud|datacenter]`."""

from __future__ import annotations

import argparse

from sync.sandbox import serve_forever


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="sla-sync sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--mode", choices=["cloud", "datacenter"], default="cloud")
    args = parser.parse_args(argv)
    serve_forever(args.port, args.scenario, args.mode)


if __name__ == "__main__":
    main()
