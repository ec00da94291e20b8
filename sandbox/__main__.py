"""`python -m sandbox [--tracker jira|youtrack] [--port N] [--scenario NAME|PATH] [--mode M]`.

`--mode`: cloud | datacenter for Jira, cloud | server for YouTrack.
"""

from __future__ import annotations

import argparse

from sandbox import serve_forever


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="sla-sync sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--tracker", choices=["jira", "youtrack"], default="jira")
    parser.add_argument("--mode", choices=["cloud", "datacenter", "server"], default="cloud")
    args = parser.parse_args(argv)
    serve_forever(args.port, args.scenario, args.mode, tracker=args.tracker)


if __name__ == "__main__":
    main()
