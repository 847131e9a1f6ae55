"""The SQL fence: sqlglot checks a statement, then DuckDB runs it read-only, time-limited and row-capped.

Two independent layers. `check_sql` rejects anything that is not one plain query over known tables; `SafeDB`
runs on a read-only connection with external access off and its configuration locked, so even SQL that slipped
past the checker cannot write, read files, load extensions or change settings.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from assistant.settings import Settings
from index.dbfile import META_TABLES

# Statement kinds that must not appear anywhere in the tree (also nested: `WITH x AS (DELETE ...)`,
# `SELECT ... INTO t`, which sqlglot turns into CREATE TABLE). getattr: older sqlglot lacks a few of these.
_FORBIDDEN_NODES = tuple(
    node for node in (getattr(exp, name, None) for name in (
        "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "TruncateTable", "Command", "Copy",
        "Attach", "Detach", "Install", "Pragma", "Set", "Use", "Into", "Describe", "Show", "Summarize",
        "Transaction", "Commit", "Rollback", "LoadData", "Export", "Cache", "Uncache", "Refresh", "Analyze",
    )) if node is not None)

# Schemas whose tables describe the database itself rather than the papers.
_SYSTEM_SCHEMAS = {"information_schema", "pg_catalog", "temp", "system"}
_SYSTEM_TABLE_PREFIXES = ("duckdb_", "pragma_", "sqlite_", "pg_")

# The only functions LLM-written SQL may call (names as sqlglot reports them). Everything else is refused: file
# and setting readers, and whatever builds values of unbounded size inside one operator, which DuckDB's
# interrupt() cannot stop (repeat, lpad/format, range/generate_series/unnest, string_agg/list/array_agg).
ALLOWED_FUNCTIONS = frozenset("""
    and or not exists case if cast try_cast coalesce nullif greatest least
    count count_if sum avg min max median mode any_value arg_max arg_min first last stddev stddev_pop stddev_samp
    variance var_pop var_samp corr percentile_cont percentile_disc quantile_cont quantile_disc logical_or
    logical_and row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value
    abs round floor ceil power sqrt ln log exp sign
    lower upper length trim ltrim rtrim substring left right str_position contains starts_with ends_with
    split_part regexp_like regexp_extract replace concat date_part extract
""".split())

class QueryRejected(Exception):
    """A statement the fence would not run, or that DuckDB could not finish. Says how to fix it."""

    FIX = ("Write one SELECT (or WITH ... SELECT) over the score tables only, without file readers, "
           "table functions or system catalogs.")

    def __init__(self, sql: str, reason: str):
        self.sql, self.reason = sql, reason
        super().__init__(f"Query rejected: {reason}. {self.FIX}")


class QueryTimeout(QueryRejected):
    """The statement ran past the time limit and was interrupted."""

    FIX = "Narrow it with WHERE filters or a LIMIT, or raise PAPERQA_SQL_TIMEOUT_MS."

    def __init__(self, sql: str, limit_ms: int):
        self.limit_ms = limit_ms
        super().__init__(sql, f"timed out after {limit_ms} ms and was interrupted")


class ResultTooLarge(QueryRejected):
    """The statement's result passed the size cap (bytes), so it was stopped."""

    FIX = "Select fewer columns or rows, or raise PAPERQA_SQL_MAX_RESULT_BYTES."

    def __init__(self, sql: str, limit: int):
        super().__init__(sql, f"its result is larger than {limit:,} bytes")


def check_sql(sql: str, allowed_tables: set[str], max_chars: int = 4000, max_depth: int = 24) -> str:
    """Return `sql` normalised by sqlglot if it is one read-only query over `allowed_tables`, no longer than
    `max_chars`, nested at most `max_depth` deep and calling only ALLOWED_FUNCTIONS; else raise QueryRejected."""
    if sql and len(sql) > max_chars:
        raise QueryRejected(sql, f"it is {len(sql):,} characters long; the limit is {max_chars:,}")
    if paren_depth(sql or "") > max_depth:
        raise QueryRejected(sql, f"it nests parentheses more than {max_depth} deep")
    try:
        return _check(sql, allowed_tables, max_depth)
    except RecursionError as e:           # a tree too deep for sqlglot is a rejection, never a crash
        raise QueryRejected(sql, "it is nested too deeply to check") from e


def paren_depth(sql: str) -> int:
    depth = deepest = 0
    for ch in sql:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


def _check(sql: str, allowed_tables: set[str], max_depth: int) -> str:
    statement = _parse_one(sql)
    if not isinstance(statement, exp.Query):
        raise QueryRejected(sql, f"only SELECT queries may run, got {statement.key.upper()}")
    for node in statement.walk():
        if node.depth > 4 * max_depth:
            raise QueryRejected(sql, f"its expression tree is deeper than {4 * max_depth} levels")
        if isinstance(node, _FORBIDDEN_NODES):
            raise QueryRejected(sql, f"{node.key.upper()} is not allowed inside a query")
        if isinstance(node, exp.Func):
            _check_function(sql, node)
    _check_tables(sql, statement, {t.lower() for t in allowed_tables})
    return statement.sql(dialect="duckdb")


def _parse_one(sql: str) -> exp.Expression:
    if not sql or not sql.strip():
        raise QueryRejected(sql or "", "the SQL is empty")
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError as e:
        raise QueryRejected(sql, f"it does not parse as DuckDB SQL ({str(e).splitlines()[0]})") from e
    if len(statements) != 1:
        raise QueryRejected(sql, f"exactly one statement is allowed, got {len(statements)}")
    return statements[0]


def _function_name(node: exp.Func) -> str:
    name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
    return (name or "").lower()


def _check_function(sql: str, node: exp.Func) -> None:
    name = _function_name(node)
    if name not in ALLOWED_FUNCTIONS:
        raise QueryRejected(sql, f"function {name}() is not allowed (only aggregates, comparisons and bounded "
                                 f"string and number functions may be called)")


def _check_tables(sql: str, statement: exp.Expression, allowed: set[str]) -> None:
    cte_names = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
    for table in statement.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise QueryRejected(sql, f"table functions and file readers are not allowed ({table.this.sql('duckdb')})")
        _check_table_name(sql, table, allowed, cte_names)


def _check_table_name(sql: str, table: exp.Table, allowed: set[str], cte_names: set[str]) -> None:
    name, schema, catalog = table.name.lower(), table.db.lower(), table.catalog.lower()
    if schema in _SYSTEM_SCHEMAS or name.startswith(_SYSTEM_TABLE_PREFIXES) or name == "sqlite_master":
        raise QueryRejected(sql, f"system catalog {table.sql('duckdb')} is not allowed")
    if catalog or schema not in ("", "main"):
        raise QueryRejected(sql, f"use the bare table name instead of {table.sql('duckdb')}")
    if name in cte_names and not schema:
        return
    if name not in allowed:
        known = ", ".join(sorted(allowed))
        raise QueryRejected(sql, f"unknown table {table.name!r} (file paths are not tables); known tables: {known}")


def fetch_capped(cursor: duckdb.DuckDBPyConnection, row_cap: int, byte_cap: int, sql: str = "") -> list[tuple]:
    """At most `row_cap` rows, fetched in small batches; ResultTooLarge once they pass `byte_cap` bytes."""
    size, rows = 0, []
    while len(rows) < row_cap:
        batch = cursor.fetchmany(min(64, row_cap - len(rows)))
        if not batch:
            break
        size += sum(value_size(v) for row in batch for v in row)
        if size > byte_cap:
            raise ResultTooLarge(sql, byte_cap)
        rows += batch
    return rows


def file_identity(path: str | Path) -> tuple[int, int, int] | None:
    """(inode, mtime ns, size) of the file at `path`, None if it cannot be read: a rebuilt database swapped in
    with os.replace has a new inode, so a change tells that the path now names another file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def value_size(value: object) -> int:
    """Bytes a result value takes when shown (strings and blobs by length; anything else as its text)."""
    if value is None or isinstance(value, (bool, int, float)):
        return 8
    if isinstance(value, (str, bytes)):
        return len(value)
    return len(str(value))


class Watchdog:
    """One thread that interrupts the cursors whose time is up: a timer thread started per query costs more than
    most queries take. `watch` registers a cursor with its time limit; `done` takes it off before the cursor is
    reused, and interrupts happen under the same lock, so a late interrupt never reaches the next query."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._due: dict[int, tuple[float, Any]] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, cursor: Any, seconds: float) -> int:
        with self._cv:
            token = next(self._tokens)
            self._due[token] = (time.monotonic() + seconds, cursor)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="sql-watchdog", daemon=True)
                self._thread.start()
            self._cv.notify()
            return token

    def done(self, token: int) -> None:
        with self._cv:
            self._due.pop(token, None)

    def _loop(self) -> None:
        with self._cv:
            while True:
                now = time.monotonic()
                for token, (deadline, cursor) in list(self._due.items()):
                    if deadline <= now:
                        del self._due[token]
                        with contextlib.suppress(Exception):
                            cursor.interrupt()
                soonest = min((d for d, _ in self._due.values()), default=now + 60.0)
                self._cv.wait(timeout=max(soonest - now, 0.001))


WATCHDOG = Watchdog()


class SafeDB:
    """Read-only, time-limited, row-capped access to the score database. One connection, a cursor per query;
    a rebuilt file swapped in at the path is opened before the next query (and `generation` goes up)."""

    def __init__(self, db_path: str | Path, settings: Settings):
        self.path = Path(db_path)
        self.settings = settings
        if not self.path.is_file():
            raise FileNotFoundError(f"Score database {self.path} does not exist. Build it with "
                                    f"`python -m index build` or point PAPERQA_DB_PATH at an existing file.")
        self._lock = threading.Condition()
        self._users = 0                    # queries running on the current connection
        self._ident = file_identity(self.path)
        self._conn: duckdb.DuckDBPyConnection | None = duckdb.connect(str(self.path), read_only=True,
                                                                      config=self._config())
        self.generation = 0                # bumped each time a rebuilt file swapped in at the path is opened
        self._tables: set[str] | None = None
        self._box = None
        if settings.sql_isolate and settings.llm_configured:      # start the worker before the first question
            threading.Thread(target=self._warm_sandbox, name="sql-sandbox-start", daemon=True).start()

    def _warm_sandbox(self) -> None:
        with contextlib.suppress(QueryRejected, OSError):
            self._sandbox().start()

    def _config(self) -> dict[str, Any]:
        return {
            "enable_external_access": False,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            "temp_directory": "",          # no spilling: a big sort fails instead of writing beside the database
            "memory_limit": self.settings.sql_memory_limit,
            "threads": 2,
            "lock_configuration": True,
        }

    def table_names(self) -> set[str]:
        """Tables in the database's main schema."""
        if self._tables is None:
            _, rows = self._run("SELECT table_name FROM information_schema.tables "
                                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'", None, row_cap=None)
            self._tables = {r["table_name"] for r in rows}
        return set(self._tables)

    def check(self, sql: str) -> str:
        """check_sql against this database's score tables (not its build metadata) and the settings' limits."""
        s = self.settings
        return check_sql(sql, self.table_names() - set(META_TABLES), s.sql_max_chars, s.sql_max_depth)

    def run_checked(self, sql: str, params: list | tuple | None = None) -> tuple[list[str], list[dict]]:
        """check(sql), then query the normalised SQL."""
        return self.query(self.check(sql), params)

    def query(self, sql: str, params: list | tuple | None = None) -> tuple[list[str], list[dict]]:
        """Run SQL the caller trusts (not re-checked) under the time limit; at most sql_row_cap rows and
        sql_max_result_bytes bytes (ResultTooLarge past that)."""
        return self._run(sql, params, row_cap=self.settings.sql_row_cap)

    def query_all(self, sql: str, params: list | tuple | None = None) -> tuple[list[str], list[dict]]:
        """The project's own reads that need every row (names for the catalog, passages for search): no caps."""
        return self._run(sql, params, row_cap=None)

    def refresh(self) -> int:
        """Open the file now at the path if a rebuilt one was swapped in since (see _acquire); the generation."""
        ident = file_identity(self.path)
        if self._conn is None or ident is not None and ident != self._ident:
            with self._lock:
                self._settle(ident, "")
        return self.generation

    def _acquire(self, sql: str) -> duckdb.DuckDBPyConnection:
        """A cursor on the file now at the path (one os.stat per query; see _settle)."""
        ident = file_identity(self.path)
        with self._lock:
            self._settle(ident, sql)
            cursor = self._conn.cursor()
            self._users += 1
            return cursor

    def _settle(self, ident: tuple | None, sql: str) -> None:
        """With the lock held: when the file at the path is not the one open, wait for the running queries to
        finish, then close the old connection and open the new file. Both are needed: while any connection to
        a path is open DuckDB hands back the cached old database, and closing one breaks its running cursors."""
        while self._conn is None or ident is not None and ident != self._ident:
            if self._users:
                self._lock.wait()           # running queries end within the time limit
                ident = file_identity(self.path)
            else:
                self._reopen(sql)
                ident = self._ident

    def _release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        cursor.close()
        with self._lock:
            self._users -= 1
            if not self._users:
                self._lock.notify_all()

    def _reopen(self, sql: str) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._ident = file_identity(self.path)            # before connecting: a later swap is seen next time
        try:
            self._conn = duckdb.connect(str(self.path), read_only=True, config=self._config())
        except duckdb.Error as e:
            self._ident = None
            raise QueryRejected(sql, f"the rebuilt database does not open: {str(e).splitlines()[0]}") from e
        self._tables = None
        self.generation += 1

    def _run(self, sql: str, params: list | tuple | None, row_cap: int | None) -> tuple[list[str], list[dict]]:
        cursor = self._acquire(sql)
        token = WATCHDOG.watch(cursor, self.settings.sql_timeout_ms / 1000)
        try:
            cursor.execute(sql, params)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall() if row_cap is None else self._fetch_capped(cursor, sql, row_cap)
        except duckdb.InterruptException as e:
            raise QueryTimeout(sql, self.settings.sql_timeout_ms) from e
        except duckdb.Error as e:
            raise QueryRejected(sql, f"DuckDB could not run it: {str(e).splitlines()[0]}") from e
        finally:
            WATCHDOG.done(token)              # before the cursor goes back: a late interrupt never hits the next query
            self._release(cursor)
        return columns, [dict(zip(columns, row)) for row in rows]

    def _fetch_capped(self, cursor: duckdb.DuckDBPyConnection, sql: str, row_cap: int) -> list[tuple]:
        return fetch_capped(cursor, row_cap, self.settings.sql_max_result_bytes, sql)

    def query_isolated(self, sql: str, params: list | tuple | None = None) -> tuple[list[str], list[dict]]:
        """Like query(), for SQL an LLM wrote: in a worker process that is killed at the time limit and has its
        own memory ceiling (setting sql_isolate; off, it runs like query())."""
        if not self.settings.sql_isolate:
            return self.query(sql, params)
        return self._sandbox().run(sql, params)

    def _sandbox(self):
        with self._lock:
            if self._box is None:
                from assistant.sandbox import Sandbox
                self._box = Sandbox(self.path, self.settings)
            return self._box

    def close(self) -> None:
        if self._box is not None:
            self._box.close()
        with self._lock:
            if self._conn is not None:
                self._conn.close()

    def __enter__(self) -> SafeDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
