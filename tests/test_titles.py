"""A paper's title as printed, whatever its file is called; a file whose first heading is only a section gets
the file's name in front, so the paper still has a name."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.document import paper_title


@pytest.mark.parametrize("file, heading, title", [
    ("2407.10671v4.pdf", "Qwen2 Technical Report", "Qwen2 Technical Report"),
    ("acl-twocol.pdf", "Merlin: Compact Models for Careful Reasoning", "Merlin: Compact Models for Careful Reasoning"),
    ("landscape.pdf", "The Osprey-2 Evaluation Suite", "The Osprey-2 Evaluation Suite"),
    ("paper.md", "Scaling Laws for Sparse Mixtures of Small Experts", "Scaling Laws for Sparse Mixtures of Small Experts"),
    ("heron-report-eval.md", "Instruction-tuned Model", "Heron Report Eval: Instruction-tuned Model"),
    ("kestrel-notes.md", "Results", "Kestrel Notes: Results"),
    ("techreport.pdf", "The Pelican Technical Report", "The Pelican Technical Report"),
    ("report-compare.pdf", "1 Evaluation", "Report Compare: 1 Evaluation"),
    ("notes.md", "2.3 Main Results on Hard Benchmarks", "Notes: 2.3 Main Results on Hard Benchmarks"),
    ("kestrel-notes.md", None, "Kestrel Notes"),
])
def test_title(file, heading, title):
    assert paper_title(Path(file), heading) == title
