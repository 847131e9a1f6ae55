"""python -m index build|add|stats — build the score database, add papers, print what it holds."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from .build import add, build
from .errors import IngestError
from .settings import Settings

KINDS = ("report", "blog", "synthesis")


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


def parser(settings: Settings) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    db_help = f"score database (default: PAPERQA_DB_PATH, now {settings.db_path})"
    papers_help = (f"papers folder (default: the folder the database was built from, else PAPERQA_PAPERS_DIR, "
                   f"now {settings.papers_dir})")
    b = sub.add_parser("build", help="build the database from scratch")
    b.add_argument("--papers", type=Path, default=None, help=papers_help)
    b.add_argument("--db", type=Path, default=settings.db_path, help=db_help)
    a = sub.add_parser("add", help="add or replace papers (only new or changed papers are parsed)")
    a.add_argument("files", type=Path, nargs="+")
    a.add_argument("--db", type=Path, default=settings.db_path, help=db_help)
    a.add_argument("--papers", type=Path, default=None, help=papers_help + "; the papers are copied into it")
    a.add_argument("--kind", choices=KINDS, default=None, help="what the papers are (default: read from each paper)")
    s = sub.add_parser("stats", help="print papers, tables and score counts")
    s.add_argument("--db", type=Path, default=settings.db_path, help=db_help)
    return ap


def build_folder(args: argparse.Namespace, settings: Settings) -> Path:
    from .build import recorded_folder
    from .dbfile import inspect
    return recorded_folder(inspect(args.db), args.papers, settings.papers_dir)


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    args = parser(settings).parse_args(argv)
    try:
        start = time.monotonic()
        if args.cmd == "build":
            counts = build(args.papers or build_folder(args, settings), args.db, progress=True)
        elif args.cmd == "add":
            counts = add(args.files, args.db, args.papers, kind=args.kind, progress=True)
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
