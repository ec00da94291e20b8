"""YouTrack vocabulary <-> regulation vocabulary (pure)."""

from mappings.youtrack.timeline import *  # noqa: F403
from mappings.youtrack.timeline import DEFAULT_YOUTRACK_PROFILE, __all__  # noqa: F401
