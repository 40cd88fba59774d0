"""SQL text built from values the code holds (paths, patterns), never from a user's text.

User text reaches SQL only as bound parameters (``$name``); these helpers are for what
DuckDB cannot bind, such as file names in ``ATTACH`` or ``COPY ... TO``.
"""

from __future__ import annotations


def sql_literal(text: str) -> str:
    """``text`` as a SQL string literal (DuckDB keeps backslashes in ``'...'`` as they are)."""
    return "'" + text.replace("'", "''") + "'"
