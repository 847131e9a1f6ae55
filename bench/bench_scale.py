"""Scale benchmark: build, answer and serve at 5, 200 and 1,000 realistic papers and at 1M scores.

    nice -n 10 python bench/bench_scale.py                        # 5, 200, 1000 papers and 1M scores
    nice -n 10 python bench/bench_scale.py --sizes 5,200,1M --rounds 5 --work scale-work --reuse

Papers are copies of data/papers with every model renamed (bench/corpus.py); 1M is the largest paper corpus
built in this run (or --million-from) multiplied inside DuckDB to a million score rows. For each size it prints:

* build: wall and CPU seconds of `python -m index build` (a child process), the peak summed RSS of that process
  and its workers, the database size, and the seconds `python -m index add` takes to add one new paper (median of
  --add-rounds runs, each on a fresh copy);
* answers, in-process and side by side (one worker process per size holds an Assistant; the fixed question mix
  in bench/questions_scale.jsonl is asked round-robin across the sizes, so all sizes see the same machine load):
  p50/p95 per route (sql, text, none) and the worker's RSS;
* the app: `python ui.py` from launch until a text question is answered through gradio_client, and its RSS.

Every figure also as a ratio to the 5-paper row. Targets (issue "scale"): 1,000 papers build <= 60 s; /ask median
<= 2x the 5-paper median and p95 <= 100 ms at 1,000 papers and at 1M; app answering text <= 10 s, RSS <= 800 MB.
Not a test: medians over a shared, noisy machine.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from bench.apprun import TreeRSS, client_for, launched_server, rss_mb  # noqa: E402

QUESTIONS = Path(__file__).with_name("questions_scale.jsonl")
ROUTES = ("sql", "text", "none")
MILLION = "1M"


def load_mix(tag: str) -> list[dict]:
    cases = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    return [{**c, "q": c["q"].format(tag=tag)} for c in cases]


# --------------------------------------------------------------------------------------------- build
def build_size(size: str, work: Path, reuse: bool, million_from: str | None) -> dict:
    folder, db, record = work / f"papers-{size}", work / f"scores-{size}.duckdb", work / f"build-{size}.json"
    if reuse and db.exists() and record.exists():
        return json.loads(record.read_text())
    if size == MILLION:
        stats = _million(work, million_from, db)
    else:
        corpus.write_corpus(int(size), folder)
        stats = _timed_build(folder, db)
    stats.update(size=size, db=str(db), corpus=str(folder if size != MILLION else work / f"papers-{million_from}"),
                 db_mb=db.stat().st_size / 2**20, **_counts(db))
    record.write_text(json.dumps(stats))
    return stats


def _timed_build(folder: Path, db: Path) -> dict:
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    log = db.with_suffix(".log")
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "index", "build", "--papers", str(folder), "--db", str(db)],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        with TreeRSS(proc.pid) as tree:
            _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"build of {folder} failed:\n{log.read_text(errors='replace')[-2000:]}")
    return {"build_s": wall, "build_cpu_s": usage.ru_utime + usage.ru_stime,
            "build_rss_mb": max(tree.peak_mb, usage.ru_maxrss / 1024), "derived": False}


def timed_add(build: dict, work: Path, rounds: int = 3) -> list[float]:
    """Seconds for `python -m index add` of one new paper (a copy with a fresh name) to a fresh copy of this
    corpus and database, once per round: wall time of the command line, start-up and imports included."""
    if build.get("derived"):
        return []
    return [_timed_add_once(build, work) for _ in range(rounds)]


def _timed_add_once(build: dict, work: Path) -> float:
    folder, copies = Path(build["corpus"]), corpus.read_manifest(Path(build["corpus"]))
    scratch = work / f"add-{build['size']}"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(folder, scratch / "papers")
    shutil.copyfile(build["db"], scratch / "scores.duckdb")
    _record_folder(scratch / "scores.duckdb", scratch / "papers")     # as if the user had moved the folder
    source = min(corpus.sources(), key=lambda p: p.stat().st_size)      # the shortest paper
    name = corpus.tag(len(copies))
    new = scratch / f"{source.stem}-{name.lower()}{source.suffix}"
    new.write_text(corpus.rename(source.read_text(encoding="utf-8"), name), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "index", "add", str(new), "--db", str(scratch / "scores.duckdb"),
                    "--papers", str(scratch / "papers")], cwd=ROOT, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    shutil.rmtree(scratch, ignore_errors=True)
    return seconds


def _record_folder(db: Path, folder: Path) -> None:
    """Point a copied database at its copied papers folder: `index add` refuses a database built elsewhere."""
    import duckdb
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE build_meta SET value = ? WHERE key = 'papers_dir'", [str(folder.resolve())])
    finally:
        con.close()


def _million(work: Path, million_from: str | None, db: Path) -> dict:
    base = work / f"scores-{million_from}.duckdb"
    if not million_from or not base.exists():
        raise SystemExit(f"1M needs a built paper corpus to multiply: add --sizes {million_from or 200} first")
    start = time.perf_counter()
    shutil.copyfile(base, db)
    corpus.multiply(db, corpus.read_manifest(work / f"papers-{million_from}"))
    return {"build_s": time.perf_counter() - start, "build_cpu_s": float("nan"), "build_rss_mb": float("nan"),
            "derived": True}


def _counts(db: Path) -> dict:
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    try:
        papers, scores, passages = con.execute("SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM scores), "
                                               "(SELECT count(*) FROM passages)").fetchone()
    finally:
        con.close()
    return {"papers": papers, "scores": scores, "passages": passages}


# --------------------------------------------------------------------------------------------- answers
def answer_worker(db: str, tag: str, conn) -> None:
    """Holds one Assistant; answers the mix once per 'mix' message; reports load time and memory."""
    from assistant import Assistant
    from assistant.settings import Settings

    start = time.perf_counter()
    assistant = Assistant(db, Settings())
    error = ""
    try:
        assistant.text                      # the text index, as the app warms it up at start-up
    except Exception as e:  # noqa: BLE001 - reported, and the text questions will show the failure
        error = f"{type(e).__name__}: {e}"[:200]
    conn.send({"load_s": time.perf_counter() - start, "rss_mb": rss_mb(os.getpid()), "load_error": error})
    mix = load_mix(tag)
    while conn.recv() == "mix":
        out = []
        for case in mix:
            t0 = time.perf_counter()
            try:
                answer = assistant.ask(case["q"], [])
                route, length = answer.route, len(answer.text)
            except Exception:  # noqa: BLE001 - a benchmark counts failures, whatever they are
                route, length = "error", 0
            out.append((case["id"], case["route"], route, (time.perf_counter() - t0) * 1000, length))
        conn.send(out)
    conn.send({"rss_mb": rss_mb(os.getpid()), "hwm_mb": _hwm_mb()})


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def answers_side_by_side(builds: list[dict], rounds: int) -> dict[str, dict]:
    ctx = mp.get_context("spawn")
    workers = {}
    for b in builds:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=answer_worker, args=(b["db"], _tag(b), child), daemon=True)
        proc.start()
        workers[b["size"]] = (proc, parent, parent.recv())       # loaded one at a time: load times are clean
    times: dict[str, dict[str, list[float]]] = {s: {} for s in workers}
    lengths: dict[str, dict[str, int]] = {s: {} for s in workers}
    for _ in range(rounds):
        for size, (_, conn, _) in workers.items():
            conn.send("mix")
            for qid, _expected, route, ms, length in conn.recv():
                times[size].setdefault(route, []).append(ms)
                lengths[size][qid] = length
    out = {}
    for size, (proc, conn, loaded) in workers.items():
        conn.send("stop")
        out[size] = {"times": times[size], "lengths": lengths[size], **loaded, **conn.recv()}
        proc.join(timeout=30)
    return out


def _tag(build: dict) -> str:
    return corpus.read_manifest(Path(build["corpus"]))[-1].tag


# --------------------------------------------------------------------------------------------- the app
def app_startup(build: dict, work: Path, timeout_s: float) -> dict:
    """Launch ui.py on the database; seconds until it serves, until a text question is answered; its RSS."""
    mix = load_mix(_tag(build))
    text_q = next(c["q"] for c in mix if c["route"] == "text")
    try:
        return _app_startup(build, work, timeout_s, mix, text_q)
    except RuntimeError as e:                     # ui.py did not start: reported in the table
        reason = str(e).strip().splitlines()[-1]
        return {"ready_s": float("nan"), "text_s": float("nan"), "app_rss_mb": float("nan"),
                "app_error": f"did not start: {reason}"[:200]}


def _app_startup(build: dict, work: Path, timeout_s: float, mix: list[dict], text_q: str) -> dict:
    with launched_server(work / "app", Path(build["db"]), papers_dir=work / "no-papers-folder",
                         timeout_s=timeout_s) as server:
        ready = time.monotonic() - server.started
        client, answered, error = client_for(server.url), None, ""
        try:
            while time.monotonic() - server.started < timeout_s:
                result = client.predict(question=text_q, history=[], api_name="/ask")
                if result.get("route") == "text":
                    answered = time.monotonic() - server.started
                    break
                time.sleep(0.5)
            for case in mix:
                client.predict(question=case["q"], history=[], api_name="/ask")
        except Exception as e:  # noqa: BLE001 - reported in the table
            error = f"{type(e).__name__}: {e}"[:120]
        finally:
            client.close()
        return {"ready_s": ready, "text_s": answered if answered is not None else float("nan"),
                "app_rss_mb": rss_mb(server.pid), "app_error": error}


# --------------------------------------------------------------------------------------------- report
def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def _cell(value: float, base: float | None, fmt: str) -> str:
    text = format(value, fmt) if value == value else "-"
    if base and value == value and base == base and base > 0:
        text += f" ({value / base:.1f}x)"
    return text


def print_table(title: str, rows: list[tuple[str, list[float]]], headers: list[str],
                fmt: str | list[str] = ".1f") -> None:
    fmts = fmt if isinstance(fmt, list) else [fmt] * len(headers)
    print(f"\n{title}")
    base = rows[0][1] if rows and rows[0][0] == "5" else None
    width = 18
    print(f"{'size':<6}" + "".join(f"{h:>{width}}" for h in headers))
    for size, values in rows:
        cells = [_cell(v, base[i] if base else None, fmts[i]) for i, v in enumerate(values)]
        print(f"{size:<6}" + "".join(f"{c:>{width}}" for c in cells))


def latency_row(times: dict[str, list[float]]) -> list[float]:
    """p50, p95 per route and over all answers (errors included in 'all')."""
    every = [x for xs in times.values() for x in xs]
    out = []
    for xs in [times.get(r, []) for r in ROUTES] + [every]:
        out += [statistics.median(xs) if xs else float("nan"), pct(xs, 95)]
    return out


def report(builds: list[dict], answers: dict, apps: dict, machine: dict | None = None) -> None:
    if machine:
        print(f"{machine.get('date', '')}: {machine.get('cpus', '?')} CPUs, load average (1 min) "
              f"{machine.get('load_start', float('nan')):.1f} at start, {machine.get('load_end', float('nan')):.1f} at end "
              "(a shared machine: compare CPU seconds and the side-by-side ratios, not wall times across runs)")
    print_table("build (1M: DuckDB multiplication of a built corpus, not a parse)",
                [(b["size"], [b["papers"], b["scores"], b["build_s"], b["build_cpu_s"], b["build_rss_mb"],
                              b["db_mb"], b.get("add_s", float("nan"))]) for b in builds],
                ["papers", "scores", "wall s", "CPU s", "peak RSS MB", "DB MB", "add 1 paper s"],
                [".0f", ".0f", ".1f", ".1f", ".0f", ".1f", ".2f"])
    for b in builds:
        if b.get("add_times"):
            print(f"  {b['size']}: index add of one paper, median of "
                  + ", ".join(f"{t:.2f}" for t in b["add_times"]) + " s (command line, wall)")
    if answers:
        headers = [f"{r} {p}" for r in (*ROUTES, "all") for p in ("p50", "p95")]
        rows = [(b["size"], latency_row(answers[b["size"]]["times"])) for b in builds]
        print_table("answers in-process, ms (side by side)", rows, headers)
        print_table("assistant in-process", [(b["size"], [answers[b["size"]]["load_s"], answers[b["size"]]["rss_mb"],
                                                          answers[b["size"]]["hwm_mb"],
                                                          max(answers[b["size"]]["lengths"].values())])
                                             for b in builds],
                    ["load+text idx s", "RSS MB", "peak RSS MB", "longest answer"], [".1f", ".0f", ".0f", ".0f"])
        for b in builds:
            a = answers[b["size"]]
            other = {r: len(x) for r, x in a["times"].items() if r not in ROUTES}
            if a["load_error"] or other:
                print(f"  {b['size']}: text index error: {a['load_error'] or '-'}; other routes {other}")
    if apps:
        print_table("app (python ui.py, gradio_client)",
                    [(b["size"], [apps[b["size"]]["ready_s"], apps[b["size"]]["text_s"], apps[b["size"]]["app_rss_mb"]])
                     for b in builds if b["size"] in apps], ["serving s", "text answer s", "RSS MB"])
        for size, a in apps.items():
            if a["app_error"]:
                print(f"  {size}: {a['app_error']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5,200,1000,1M", help="paper counts and/or 1M, comma-separated")
    ap.add_argument("--million-from", default=None, help="paper corpus multiplied to 1M (default: largest built)")
    ap.add_argument("--rounds", type=int, default=5, help="times the question mix is asked per size")
    ap.add_argument("--work", type=Path, help="keep corpora and databases here (default: a temp dir)")
    ap.add_argument("--reuse", action="store_true", help="reuse databases (and their build figures) in --work")
    ap.add_argument("--no-app", action="store_true", help="skip launching ui.py")
    ap.add_argument("--no-add", action="store_true", help="skip timing `index add` of one paper")
    ap.add_argument("--add-rounds", type=int, default=3, help="times `index add` is timed per size (median shown)")
    ap.add_argument("--app-timeout", type=float, default=300.0)
    ap.add_argument("--report-only", action="store_true", help="print the tables of the last run in --work")
    args = ap.parse_args()
    if args.report_only:
        report(**json.loads(((args.work or Path(".")) / "results.json").read_text()))
        return
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    paper_sizes = [s for s in sizes if s != MILLION]
    million_from = args.million_from or (max(paper_sizes, key=int) if paper_sizes else None)
    machine = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
               "load_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        builds = []
        for size in sizes:
            builds.append(build_size(size, work, args.reuse, million_from))
            if not args.no_add:
                times = timed_add(builds[-1], work, args.add_rounds)
                builds[-1].update(add_s=statistics.median(times) if times else float("nan"), add_times=times)
            print(f"built {size}: {builds[-1]['papers']} papers, {builds[-1]['scores']} scores in "
                  f"{builds[-1]['build_s']:.1f} s", flush=True)
        answers = answers_side_by_side(builds, args.rounds) if args.rounds else {}
        results = work / "results.json"          # kept as the run goes: --report-only prints it again
        results.write_text(json.dumps({"builds": builds, "answers": answers, "apps": {}}))
        apps = {} if args.no_app else {b["size"]: app_startup(b, work, args.app_timeout) for b in builds}
        machine["load_end"] = os.getloadavg()[0]
        results.write_text(json.dumps({"builds": builds, "answers": answers, "apps": apps, "machine": machine}))
        report(builds, answers, apps, machine)


if __name__ == "__main__":
    main()
