"""The server's logging: uvicorn's, with no personal data in the access log.

A GraphQL GET carries its query and variables in the query string (an email to search for, a
person's id), and uvicorn's access log writes the request line as it came. ``log_config`` is
uvicorn's own logging configuration with one filter more on the access log: ``NoQueryStrings``
keeps the path and replaces the query string with ``?…``.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

__all__ = ["NoQueryStrings", "log_config"]


class NoQueryStrings(logging.Filter):
    """Drop the query string from uvicorn's access log lines (their third argument is the path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's ``LOGGING_CONFIG`` with ``NoQueryStrings`` on the access handler."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["no_query_strings"] = {"()": NoQueryStrings}
    config["handlers"]["access"].setdefault("filters", []).append("no_query_strings")
    return config
