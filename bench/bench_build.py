"""Build-time benchmark: the five real papers, and N generated papers in all three table formats.

    python bench/bench_build.py [--repeat 3] [--generated 1000]

Prints medians over repeated runs as a table. Targets: five papers <= 3 s, 1,000 generated papers <= 60 s
(on a 2-core machine). Not a test: these machines are shared and noisy.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.build import build  # noqa: E402

BENCHES = ["MMLU", "GSM8K", "MATH", "HumanEval", "MBPP", "GPQA", "BBH", "ARC-C", "HellaSwag", "TruthfulQA",
           "C-Eval", "CMMLU", "IFEval", "MT-Bench", "Arena-Hard", "LiveCodeBench v1"]


def paper(i: int, rng: random.Random) -> str:
    models = [f"Synth{i}-{s}B-Instruct" for s in (7, 14, 32, 72)] + ["Llama-3-8B-Instruct", "Qwen2-7B-Instruct"]
    benches = rng.sample(BENCHES, 8)

    def val() -> str:
        return "-" if rng.random() < 0.05 else f"{rng.uniform(10, 95):.1f}"

    md = ["| Benchmark | " + " | ".join(models) + " |", "|---" * (len(models) + 1) + "|"]
    md += [f"| {b} | " + " | ".join(val() for _ in models) + " |" for b in benches]
    tsv = ["Model\t" + "\t".join(benches)] + [m + "\t" + "\t".join(val() for _ in benches) for m in models]
    html = "<table><tr><td>Model</td>" + "".join(f"<td>{b}</td>" for b in benches) + "</tr>" + "".join(
        f"<tr><td>{m}</td>" + "".join(f"<td>{val()}</td>" for _ in benches) + "</tr>" for m in models) + "</table>"
    text = " ".join(rng.choice(["We", "The", "model", "trained", "tokens", "evaluation", "with", "data"])
                    for _ in range(120))
    return (f"# Synthetic Report {i}\n\n## 1 Introduction [p. 1]\n\n{text}.\n\n"
            f"**Table 1: Results of Synth{i} models.** [p. 2]\n\n" + "\n".join(md) +
            f"\n\n## 2 More [p. 3]\n\n{text}.\n\nTable 2: Second results.\n\n" + "\n".join(tsv) +
            f"\n\nTable 3: Third results.\n\n{html}\n\n{text}.\n")


def timed(papers: Path, repeat: int) -> tuple[float, dict]:
    times, counts = [], {}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            counts = build(papers, Path(tmp) / "bench.duckdb")
            times.append(time.perf_counter() - start)
    return statistics.median(times), counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--generated", type=int, default=1000)
    args = ap.parse_args()
    rows = []
    real, counts = timed(ROOT / "data" / "papers", args.repeat)
    rows.append(("5 real papers", real, counts["scores"], 3.0))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "papers"
        folder.mkdir()
        rng = random.Random(7)
        for i in range(args.generated):
            (folder / f"synthetic-{i:04d}.md").write_text(paper(i, rng))
        gen, counts = timed(folder, max(1, args.repeat if args.generated <= 100 else 1))
        rows.append((f"{args.generated} generated papers", gen, counts["scores"], 60.0))
        shutil.rmtree(folder)
    print(f"{'corpus':<26} {'median s':>9} {'scores':>8} {'target s':>9}  ok")
    for name, t, n, target in rows:
        print(f"{name:<26} {t:>9.2f} {n:>8} {target:>9.1f}  {'yes' if t <= target else 'NO'}")


if __name__ == "__main__":
    main()
