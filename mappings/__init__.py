"""Tracker vocabulary <-> regulation vocabulary (pure: imports `sla` only)."""
