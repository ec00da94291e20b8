"""The one error taxonomy of sla-sync, and the one place that classifies errors.

retriable  -- 429, 5xx, connection errors: bounded backoff with jitter, then give up;
fatal      -- 401/403/404 and other 4xx from the tracker: stop, name the URL and what to check;
skippable  -- one issue's data is bad or unmapped: record it, go on, exit 1 at the end;
config     -- a wrong configuration file or setting: exit 2 naming the file and key.
unknown    -- a non-idempotent request (a comment) whose answer was lost: it may have taken
              effect; the caller looks for its marker before sending it again.
store      -- the state store is held by another process (exit 3) or unusable (exit 4);
listen     -- `run` cannot listen on its address (exit 5).
Messages never carry tokens, headers or passwords.

The exit codes of every command are defined here and documented in the README ("Exit codes").
"""

from __future__ import annotations

from enum import StrEnum

from sla.errors import ConfigError, SlaError

__all__ = [
    "EXIT_BUG",
    "EXIT_BUSY",
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_LISTEN",
    "EXIT_OK",
    "EXIT_PIPE",
    "EXIT_STORE",
    "ConfigError",
    "ErrorKind",
    "FatalTrackerError",
    "ListenError",
    "OutcomeUnknownError",
    "RetriableTrackerError",
    "SkippableIssueError",
    "StoreBusyError",
    "StoreError",
    "SyncError",
    "UnsupportedError",
    "UsageError",
    "classify",
]

# The documented exit codes of every command (README, "Exit codes").
EXIT_OK = 0  # done
EXIT_FAILED = 1  # done, but some issues failed (named on stderr), or the tracker failed
EXIT_CONFIG = 2  # a configuration file, variable or option is wrong: nothing was done
EXIT_BUSY = 3  # another sla-sync process holds the state store: nothing was done
EXIT_STORE = 4  # the state store cannot be opened or written
EXIT_LISTEN = 5  # `run` cannot listen on its host/port
EXIT_BUG = 70  # an error sla-sync did not expect (a bug): one line, `--debug` shows more
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_PIPE = 141  # the reader of the output went away (`| head`): the rest is not printed


class SyncError(Exception):
    """Base of the errors raised by the I/O shell."""


class RetriableTrackerError(SyncError):
    """A transient tracker failure that survived every retry."""

    def __init__(self, message: str, *, status: int | None = None, url: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class FatalTrackerError(SyncError):
    """A tracker answer that retrying cannot fix (auth, permissions, missing resource)."""

    def __init__(self, message: str, *, status: int | None = None, url: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class OutcomeUnknownError(RetriableTrackerError):
    """A non-idempotent request was sent and its answer lost: it may or may not have happened.

    Raised instead of retrying blindly (connection reset or read timeout after the request
    went out, or a 5xx to a POST); the caller checks for the effect before trying again.
    """


class SkippableIssueError(SyncError):
    """One issue cannot be processed; the others go on."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


class UnsupportedError(SyncError):
    """The tracker (or this account) cannot do it through the API; `steps` say how by hand."""

    def __init__(self, message: str, steps: str = "", *, status: int | None = None) -> None:
        super().__init__(message)
        self.steps = steps
        self.status = status


class UsageError(ConfigError):
    """A command-line mistake (an option's value, a missing configuration): one line, exit 2."""

    def __init__(self, what: str, problem: str) -> None:
        super().__init__(what, "", problem)
        self.args = (f"{what}: {problem}" if what else problem,)


class StoreError(SyncError):
    """The state store at `path` cannot be used: what happened, and what to do about it."""

    def __init__(self, path: object, problem: str, action: str = "") -> None:
        text = f"state store {path}: {problem}" + (f"; {action}" if action else "")
        super().__init__(text)
        self.path = str(path)
        self.problem = problem
        self.action = action


class StoreBusyError(StoreError):
    """Another sla-sync process holds the state store's one-writer lock."""


class ListenError(SyncError):
    """`run` cannot listen on the configured address."""

    def __init__(self, address: str, problem: str, action: str) -> None:
        super().__init__(f"cannot listen on {address}: {problem}; {action}")
        self.address = address


class ErrorKind(StrEnum):
    RETRIABLE = "retriable"
    FATAL = "fatal"
    SKIPPABLE = "skippable"
    CONFIG = "config"


def classify(exc: BaseException) -> ErrorKind:
    """Map any exception to the taxonomy; unknown errors are fatal (never swallowed)."""
    if isinstance(exc, ConfigError):
        return ErrorKind.CONFIG
    if isinstance(exc, RetriableTrackerError):
        return ErrorKind.RETRIABLE
    if isinstance(exc, SkippableIssueError | SlaError):
        return ErrorKind.SKIPPABLE
    return ErrorKind.FATAL
