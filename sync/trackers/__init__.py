"""Tracker adapters behind the `Tracker` port."""
