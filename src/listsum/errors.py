"""Domain errors. Each carries a user-facing message and, where useful, a hint.

Only cli.py turns them into output and exit codes.
"""

from __future__ import annotations

# Exit codes: 0 ok, 1 nothing usable (or a fetch/model error), 2 usage,
# 3 internal error (a bug: one line naming the file and message when known),
# 4 the report was written but the model server summarised none of it.
INTERNAL_ERROR = 3
NO_SERVER_SUMMARY = 4


class ListsumError(Exception):
    """Base for errors shown to the user as one line: 'Error: <message>'."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(ListsumError):
    """An input path cannot be read at all (missing, not mail, not a git repo)."""


class NothingUsable(ListsumError):
    """No message could be read from any input."""


class UsageError(ListsumError):
    exit_code = 2


class ModelError(ListsumError):
    """A GGUF model is missing, corrupt or cannot be loaded."""


class FetchError(ListsumError):
    """A public-inbox server could not give us what we asked for."""


class NoServerSummary(ListsumError):
    """The report was written, every thread by the rules alone: the model
    server failed on each one it was asked for. Its own exit code, because
    unlike 1 there is a report, and unlike 0 a cron job should notice."""

    exit_code = NO_SERVER_SUMMARY
