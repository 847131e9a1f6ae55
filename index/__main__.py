"""python -m index build|add|stats — build the score database, add papers, print what it holds."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from .build import DEFAULT_DB, DEFAULT_PAPERS, add, build
from .errors import IngestError


def stats(db: Path) -> str:
    if not db.exists():
        raise IngestError(db, "does not exist; run `python -m index build` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        lines = []
        totals = con.execute("SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM tables), "
                             "(SELECT count(*) FROM scores), (SELECT count(*) FROM facts), "
                             "(SELECT count(*) FROM models), (SELECT count(*) FROM benchmarks), "
                             "(SELECT count(*) FROM passages), (SELECT count(*) FROM claims)").fetchone()
        lines.append("papers {} · tables {} · scores {} · facts {} · models {} · benchmarks {} · passages {} · "
                     "claims {}".format(*totals))
        for pid, title, kind in con.execute("SELECT paper_id, title, kind FROM papers ORDER BY paper_id").fetchall():
            lines.append(f"\n{pid}  [{kind}]  {title}")
            for tid, cap, fmt, orient, n in con.execute(
                    "SELECT table_id, caption, format, orientation, n_values FROM tables WHERE paper_id = ? "
                    "ORDER BY line", [pid]).fetchall():
                lines.append(f"  {tid:<28} {fmt:<8} {orient:<18} {n:>4} values  {(cap or '')[:60]}")
        return "\n".join(lines)
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the database from scratch")
    b.add_argument("--papers", type=Path, default=DEFAULT_PAPERS)
    b.add_argument("--db", type=Path, default=DEFAULT_DB)
    a = sub.add_parser("add", help="add or replace papers")
    a.add_argument("files", type=Path, nargs="+")
    a.add_argument("--db", type=Path, default=DEFAULT_DB)
    a.add_argument("--papers", type=Path, default=DEFAULT_PAPERS, help="folder the papers are copied into")
    s = sub.add_parser("stats", help="print papers, tables and score counts")
    s.add_argument("--db", type=Path, default=DEFAULT_DB)
    args = ap.parse_args(argv)
    try:
        start = time.monotonic()
        if args.cmd == "build":
            counts = build(args.papers, args.db, progress=True)
        elif args.cmd == "add":
            counts = add(args.files, args.db, args.papers)
        else:
            print(stats(args.db))
            return 0
        print(f"built {args.db} in {time.monotonic() - start:.2f} s: " +
              ", ".join(f"{v} {k}" for k, v in counts.items() if k in ("papers", "tables", "scores", "facts",
                                                                         "passages", "claims")))
        return 0
    except IngestError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
