"""A realistic corpus for scale benchmarks and tests: copies of the real papers with every model renamed.

Copy i of the papers in data/papers gets its own tag (a made-up, pronounceable word such as `Kavotu`) inserted
after every model-family name in the text: `Qwen2-72B-Instruct` becomes `Qwen2-Kavotu-72B-Instruct`,
`GPT-4 Turbo (2024-04-09)` becomes `GPT-4 Turbo Kavotu (2024-04-09)`, "the Qwen2 team" becomes "the Qwen2-Kavotu
team". Names stay model-shaped (same family, size and variant, so they parse as the originals do; the one
exception: `Mistral-8x22B` is read as a Mixtral model, `Mistral-Kavotu-8x22B` as a Mistral one) and are distinct
across copies; tables, text and their messiness are the real papers'. Five papers make one copy.

    python -m bench.corpus papers --papers 200 --out corpus200      # write 200 papers (40 copies)
    python -m index build --papers corpus200 --db c200.duckdb
    python -m bench.corpus million --db c200.duckdb --corpus corpus200 --out 1m.duckdb  # 1M scores

`million` multiplies a built corpus database inside DuckDB (INSERT ... SELECT): each replica renames every tag to a
new one, in model ids, aliases, titles, captions and passages, so the result is a valid score database the
assistant opens, with 1M score rows over distinct models.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from index.seed import SEED as lexicon  # noqa: E402
from index.paper import PAPER_SUFFIXES  # noqa: E402
from index.textfix import common_words  # noqa: E402
from index import order  # noqa: E402

SOURCE = ROOT / "data" / "papers"
MANIFEST = "corpus.json"
_CONSONANTS, _VOWELS = "bdfgklmnprstvz", "aeiou"
_SYLLABLES = [c + v for c in _CONSONANTS for v in _VOWELS]      # 70
_SPACE = len(_SYLLABLES) ** 3                                   # 343,000 three-syllable tags
_STEP = 7919                                                    # prime, coprime with _SPACE: a permutation


def tag(i: int) -> str:
    """The i-th copy's tag: six letters, capitalised, never a common word nor a name word the parser knows."""
    j, tries = i, 0
    while True:
        n = (j * _STEP + 12345) % _SPACE
        word = "".join(_SYLLABLES[(n // len(_SYLLABLES) ** k) % len(_SYLLABLES)] for k in range(3)).capitalize()
        if word.lower() not in _reserved():
            return word
        tries += 1
        j = _SPACE - 1 - tries - i      # skip from the far end of the space, where no low copy index lands


@lru_cache(maxsize=1)
def _reserved() -> set[str]:
    return set(common_words()) | {w.lower() for w in lexicon.WORD_CASE}


@lru_cache(maxsize=1)
def _family_re() -> re.Pattern:
    """Every model family the name parser knows, at a word start (as index/names.py matches a header cell)."""
    alts = [re.sub(r"\(\?P<\w+>", "(?:", p.replace("NUM", lexicon.NUM)) + r"(?-i:(?![a-z]))"
            for p, _ in lexicon.MODEL_FAMILY_PATTERNS]
    return re.compile(r"(?i)(?<![A-Za-z0-9_])(?:" + "|".join(f"(?:{a})" for a in alts) + ")")


def rename(text: str, name: str) -> str:
    """Insert `name` after every model-family mention: '-' after a one-word family, ' ' after a spaced one."""
    def one(m: re.Match) -> str:
        fam = m.group(0).rstrip("-_ ")          # 'GLM-' of 'GLM-130B': the tag goes before the separator
        return m.group(0).replace(fam, f"{fam} {name}" if " " in fam else f"{fam}-{name}", 1)
    return _family_re().sub(one, text)


@dataclass(frozen=True)
class Copy:
    index: int
    tag: str
    files: list[str]


def sources(folder: Path = SOURCE) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PAPER_SUFFIXES)


def write_corpus(n_papers: int, out: Path, source: Path = SOURCE) -> list[Copy]:
    """Write `n_papers` papers (whole copies of the source set, the last one cut short) into `out`.

    Returns the copies; also written to out/corpus.json, which the assistant never reads (not a paper suffix)."""
    papers = [(p, p.read_text(encoding="utf-8")) for p in sources(source)]
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).is_file():
            raise ValueError(f"{out} is not empty and not a corpus written by bench/corpus.py; not touching it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    copies: list[Copy] = []
    for k in range(n_papers):
        i, (path, text) = divmod(k, len(papers))[0], papers[k % len(papers)]
        if k % len(papers) == 0:
            copies.append(Copy(i, tag(i), []))
        name = f"{path.stem}-{copies[-1].tag.lower()}{path.suffix}"
        (out / name).write_text(rename(text, copies[-1].tag), encoding="utf-8")
        copies[-1].files.append(name)
    (out / MANIFEST).write_text(json.dumps([c.__dict__ for c in copies], indent=1))
    return copies


def read_manifest(folder: Path) -> list[Copy]:
    return [Copy(**c) for c in json.loads((folder / MANIFEST).read_text())]


# --------------------------------------------------------------------------------------------- 1M scores
_ID_COLUMNS = {"scores": "score_id", "facts": "fact_id", "passages": "passage_id", "claims": "claim_id"}
_TEXT_COLUMNS = {
    "papers": ["title", "file"], "tables": ["caption", "note"],
    "scores": ["caption", "model_id", "row_header", "col_header", "model_raw"],
    "facts": ["caption", "model_id", "subject", "row_header", "col_header"],
    "passages": ["text", "original"], "claims": ["claim"],
    "model_aliases": ["alias", "norm", "model_id"], "models": ["model_id", "family"],
}


def multiply(db: Path, copies: list[Copy], target_scores: int = 1_000_000, with_passages: bool = True) -> dict:
    """Grow the corpus database `db` in place to about `target_scores` score rows with renamed replicas.

    Replica r of copy i renames tag(i) to tag(i + r * len(copies)) everywhere and suffixes paper ids; benchmarks are
    shared, as in a real corpus. `with_passages=False` leaves the text alone (scores only)."""
    import duckdb

    con = duckdb.connect(str(db))
    try:
        base = con.execute("SELECT count(*) FROM scores").fetchone()[0]
        replicas = max(0, -(-target_scores // base) - 1)
        tables = [t for t in _TEXT_COLUMNS if with_passages or t != "passages"]
        columns = {t: [r[0] for r in con.execute(  # not DESCRIBE: `DESCRIBE tables` lists the tables
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? "
            "ORDER BY ordinal_position", [t]).fetchall()] for t in set(tables)}
        maxima = {t: con.execute(f"SELECT coalesce(max({c}), 0) FROM {t}").fetchone()[0]
                  for t, c in _ID_COLUMNS.items() if t in columns}
        con.execute("CREATE TEMP TABLE tagmap (old VARCHAR, new VARCHAR, lold VARCHAR, lnew VARCHAR, r INTEGER)")
        for r in range(1, replicas + 1):
            rows = [(c.tag, tag(c.index + r * len(copies))) for c in copies]
            con.executemany("INSERT INTO tagmap VALUES (?, ?, ?, ?, ?)",
                            [(o, n, o.lower(), n.lower(), r) for o, n in rows])
        for t in dict.fromkeys(tables):
            _replicate(con, t, columns[t], maxima.get(t, 0))
        order.lay_out(con)                  # sorted by benchmark with its preference keys, as a build writes it
        con.execute("CHECKPOINT")
        return {"replicas": replicas, "scores": con.execute("SELECT count(*) FROM scores").fetchone()[0]}
    finally:
        con.close()


def _replicate(con, table: str, cols: list[str], id_max: int) -> None:
    """INSERT INTO table SELECT <every row with its copy's tag swapped> for each replica."""
    text = set(_TEXT_COLUMNS.get(table, []))
    has_paper = "paper_id" in cols
    exprs = []
    for c in cols:
        if c == _ID_COLUMNS.get(table):
            exprs.append(f"{c} + m.r * {int(id_max)}")
        elif c in ("paper_id", "table_id") and has_paper:
            exprs.append(f"CASE WHEN x.{c} IS NULL THEN NULL ELSE replace(x.{c}, m.lold, m.lnew) END")
        elif c in text:
            exprs.append(f"replace(replace(x.{c}, m.old, m.new), m.lold, m.lnew)")
        else:
            exprs.append(f"x.{c}")
    if has_paper:
        # A paper's tag is the last part of its file stem ('qwen2-blog-kavotu'); aliases without a paper follow
        # their model id.
        match = ("(x.paper_id LIKE '%-' || m.lold OR (x.paper_id IS NULL AND "
                 "contains(x.model_id, m.old)))" if table == "model_aliases" else "x.paper_id LIKE '%-' || m.lold")
    elif table == "models":
        match = "contains(x.model_id, m.old)"
    else:
        return
    con.execute(f"INSERT INTO {table} SELECT {', '.join(exprs)} FROM {table} x JOIN tagmap m ON {match} "
                f"WHERE m.r > 0")


# --------------------------------------------------------------------------------------------- CLI
def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("papers", help="write N renamed papers")
    p.add_argument("--papers", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    m = sub.add_parser("million", help="copy a built corpus database and multiply it to N scores")
    m.add_argument("--db", type=Path, required=True, help="a database built from a corpus folder")
    m.add_argument("--corpus", type=Path, required=True, help="that corpus folder (for its manifest)")
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--scores", type=int, default=1_000_000)
    m.add_argument("--no-passages", action="store_true", help="replicate scores only, not the text")
    args = ap.parse_args(argv)
    if args.cmd == "papers":
        copies = write_corpus(args.papers, args.out)
        print(f"wrote {args.papers} papers ({len(copies)} copies) to {args.out}")
    else:
        shutil.copyfile(args.db, args.out)
        print(multiply(args.out, read_manifest(args.corpus), args.scores, not args.no_passages))


if __name__ == "__main__":
    main()
