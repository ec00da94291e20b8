"""Everything with I/O: tracker adapters, the pass, the store, the service, the CLI."""
