"""The README is the front door: every setting is in its table, and every command it shows exists.

Regenerate the settings table with `python tests/test_docs.py` and paste it under "## Settings".
"""
from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import Settings  # noqa: E402
from tests.checks import assert_numbers  # noqa: E402
from tests.conftest import raw_copy

README = ROOT / "README.md"
pytest_plugins = ["tests.ui_fixtures"]


def _env_vars(name: str, field) -> str:
    alias = field.validation_alias
    names = list(alias.choices) if alias is not None else [Settings.model_config["env_prefix"] + name.upper()]
    return " or ".join(f"`{n}`" for n in names)


def _default(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, Path):
        value = value.relative_to(ROOT) if value.is_relative_to(ROOT) else value
    return f"`{value}`"


def settings_table() -> str:
    rows = ["| Setting | Environment variable | Default | Description |", "| --- | --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| `{name}` | {_env_vars(name, field)} | {_default(field.default)} | {field.description} |")
    return "\n".join(rows)


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _shell_commands() -> list[str]:
    blocks = re.findall(r"```(?:bash|sh|shell)\n(.*?)```", _readme(), flags=re.S)
    lines = [line.split(" #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_every_setting_is_in_the_readme_table():
    readme = _readme()
    missing = [row for row in settings_table().splitlines()[2:] if row not in readme]
    assert not missing, "README settings table is stale; regenerate with `python tests/test_docs.py`:\n" + \
        "\n".join(missing)


def test_every_field_has_a_description():
    assert all(field.description for field in Settings.model_fields.values())


def _check_command(command: str) -> None:
    words = shlex.split(command)
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):  # leading VAR=value assignments
        words.pop(0)
    program, args = words[0], words[1:]
    if program.startswith("./"):
        assert os.access(ROOT / program, os.X_OK), f"{program} is missing or not executable"
    elif program in ("python", "python3") and args[:1] == ["-m"]:
        assert importlib.util.find_spec(args[1]) is not None, f"no module {args[1]}"
        args = args[2:]
    elif program in ("python", "python3"):
        assert (ROOT / args[0]).is_file(), f"{args[0]} does not exist"
        args = args[1:]
    for arg in args:  # files the command is given
        if re.fullmatch(r"[\w./-]+\.(py|jsonl|txt|html|md)", arg):
            assert (ROOT / arg).is_file(), f"{command}: {arg} does not exist"


def test_every_command_in_the_readme_exists():
    commands = [c for c in _shell_commands() if re.match(r"(\w+=\S+ )*(\./|python3? )", c)]
    assert "./run.sh" in commands and "./test.sh" in commands
    for command in commands:
        _check_command(command)


def test_ci_runs_the_readmes_test_command():
    assert "./test.sh" in _shell_commands()
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^\./test\.sh\s*$", ci, flags=re.M), ".ci/run must end with the README's test command"
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_embedding_snippet_is_served_by_the_app(ui_server):
    """The README's two-line snippet: its script is served by the app itself, and the element points at the app."""
    readme = _readme()
    src = re.search(r'<script type="module" src="http://127\.0\.0\.1:7860(/[^"]+)"></script>', readme)
    assert src and '<gradio-app src="http://127.0.0.1:7860"></gradio-app>' in readme
    script = ui_server.url + src.group(1)
    with urllib.request.urlopen(script, timeout=30) as response:
        assert response.status == 200 and "javascript" in response.headers.get("Content-Type", "")
        loader = response.read().decode()
    bundle = re.search(r'import\("(\./assets/[^"]+\.js)"\)', loader)       # the loader pulls in the bundle
    assert bundle, loader
    with urllib.request.urlopen(urllib.parse.urljoin(script, bundle.group(1)), timeout=30) as response:
        assert response.status == 200 and len(response.read()) > 10_000


@pytest.fixture
def api_examples() -> str:
    blocks = re.findall(r"```python\n(.*?)```", _readme(), flags=re.S)
    code = "\n".join(block for block in blocks if "gradio_client" in block)
    assert code, "the README has no gradio_client example"
    return code


def test_readme_api_examples_run(api_examples, ui_server, capsys):
    exec(compile(api_examples.replace("http://127.0.0.1:7860", ui_server.url), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert_numbers(printed, [30.4, 50.6, 67.2])     # the headline answer and the follow-up's



# What each README SQL example must return (in its order in the README): rows, or (column positions, rows) to
# compare only those columns.
SQL_EXAMPLE_ROWS = [
    {("GLM-4-9B (0605)", "base", 30.4, "chatglm-glm4-report", "1"),          # base and chat are different rows
     ("GLM-4-9B-Chat", "chat", 50.6, "chatglm-glm4-report", "2"),
     ("GLM-4-9B-Chat", "chat", 50.6, "qwen2-tech-report-instruct-eval", "8"),
     ("GLM-4-9B-Chat", "chat", 50.6, "qwen2-blog", None)},
    {("Qwen2-7B-Instruct", "MATH", 52.9, 49.6), ("Qwen2-7B-Instruct", "GPQA", 34.3, 25.3),   # report vs blog
     ("Qwen2-72B-Instruct", "MATH", 69.0, 59.7)},
    {("SWE-bench Verified", "Claude Sonnet 4", 70.4), ("MATH 500", "o3", 99.2)},            # best per benchmark
    {("Qwen2-72B achieves a score of 84.2 on the MMLU benchmark.", "Qwen2-72B", 84.2, "qwen2-blog")},
    {("GLM-4.5-Air", "total_params", 106.0, "B", "106B"), ("GLM-4.5-Air", "active_params", 12.0, "B", "12B")},
]
SQL_EXAMPLE_COLUMNS = [None, None, None, (0, 2, 3, 4), None]


def _readme_sql() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", _readme(), re.S)
    return [s.strip() for b in blocks for s in b.split(";") if s.strip()]


def test_readme_sql_examples_return_the_right_rows_on_the_real_database(real_db):
    import duckdb
    statements = _readme_sql()
    assert len(statements) == len(SQL_EXAMPLE_ROWS), "a README SQL example was added or removed: list its rows here"
    con = duckdb.connect(str(raw_copy(real_db)), read_only=True)
    try:
        for sql, want, cols in zip(statements, SQL_EXAMPLE_ROWS, SQL_EXAMPLE_COLUMNS):
            rows = {tuple(r[i] for i in cols) if cols else tuple(r) for r in con.execute(sql).fetchall()}
            assert want <= rows, f"README example is missing rows {want - rows}:\n{sql}"
    finally:
        con.close()


def test_readme_python_duckdb_command_runs(real_db):
    """The schema section's way to open the database works with what the requirements install (no DuckDB CLI)."""
    readme = _readme()
    assert "duckdb -readonly" not in readme, "the README shows the DuckDB CLI, which nothing installs"
    command = re.search(r'`(python -c "import duckdb[^`]*)`', readme)
    assert command, "the README no longer shows how to open the database from Python"
    args = shlex.split(command.group(1).replace("data/scores.duckdb", str(real_db)))
    out = subprocess.run([sys.executable, *args[1:]], capture_output=True, text=True, timeout=60, check=True).stdout
    for paper_id, kind in (("chatglm-glm4-report", "report"), ("qwen2-blog", "blog"),
                           ("glm4-9b-benchmark-synthesis", "synthesis")):
        assert re.search(rf"{paper_id}\s*│\s*{kind}", out), out


def test_readme_evaluation_command_runs_and_every_dev_question_passes(real_db):
    section = _readme().split("## Evaluation", 1)[1].split("\n## ", 1)[0]
    command = next(c for c in _shell_commands() if c in section and c.startswith("python -m assistant.eval"))
    args = shlex.split(command)
    env = {**os.environ, "PAPERQA_DB_PATH": str(real_db), "PAPERQA_PAPERS_DIR": str(real_db.parent / "none")}
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "PAPERQA_OPENAI_API_KEY", "PAPERQA_OPENAI_BASE_URL",
                 "PAPERQA_EMBED_BASE_URL"):
        env.pop(name, None)
    proc = subprocess.run([sys.executable, *args[1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    total = re.search(r"TOTAL (\d+)/(\d+)", proc.stdout)
    assert total and total.group(1) == total.group(2), proc.stdout[-3000:]


if __name__ == "__main__":
    print(settings_table())
