"""Compliance reports and what-if over closed requests (read-only; see command.py)."""
