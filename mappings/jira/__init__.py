"""Jira vocabulary <-> regulation vocabulary (pure)."""

from mappings.jira.timeline import *  # noqa: F403
from mappings.jira.timeline import __all__  # noqa: F401
