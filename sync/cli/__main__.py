"""`python -m sync.cli …`: the same as the `sla-sync` command."""

import sys

from sync.cli.main import main

sys.exit(main())
