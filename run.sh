#!/usr/bin/env bash
# Run the app: `python ui.py` inside the project's virtual environment (arguments go to ui.py: ./run.sh --port 8080).
#
# The environment is the active one ($VIRTUAL_ENV) or ./.venv, created on first run with python3 (>= 3.11; set
# PYTHON=python3.12 to pick another). requirements.txt is installed into it on first run and again only when the
# file changes (its hash is kept inside the environment). The system interpreter is never installed into.
# The score database is built from data/papers on first start. test.sh sources this file for the same set-up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

BASE_PYTHON=${PYTHON:-python3}
export PIP_REQUIRE_VIRTUALENV=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# The environment's python: $VIRTUAL_ENV if one is active, else ./.venv (created here when missing).
venv_python() {
  local venv=${VIRTUAL_ENV:-$PWD/.venv}
  if [[ ! -x "$venv/bin/python" ]]; then
    [[ -z "${VIRTUAL_ENV:-}" ]] || { echo "error: VIRTUAL_ENV=$VIRTUAL_ENV has no bin/python" >&2; exit 1; }
    create_venv "$venv"
  fi
  VENV_PY="$venv/bin/python"
}

create_venv() {
  local venv=$1
  if ! command -v "$BASE_PYTHON" >/dev/null 2>&1; then
    echo "error: $BASE_PYTHON not found; install Python >= 3.11 or set PYTHON=/path/to/python3" >&2; exit 1
  fi
  if ! "$BASE_PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "error: $BASE_PYTHON is Python $("$BASE_PYTHON" -c 'import sys; print(*sys.version_info[:3], sep=".")');" \
         "this project needs >= 3.11 (set PYTHON=python3.12, for example)" >&2; exit 1
  fi
  echo "Creating the virtual environment $venv ..." >&2
  if ! "$BASE_PYTHON" -m venv "$venv"; then
    rm -rf "$venv"
    echo "error: could not create a virtual environment with $BASE_PYTHON." >&2
    echo "On Debian or Ubuntu install the venv module first:  sudo apt-get install -y python3-venv" >&2
    exit 1
  fi
}

# Install `pip install ARGS...` into the environment unless the same ARGS and files were installed before.
# The stamp is a hash of the arguments and of every requirements file they name (and the files those include).
install_once() {
  local name=$1; shift
  local stamp
  stamp="$(dirname "$(dirname "$VENV_PY")")/.paperqa-$name.sha256"
  local want
  want=$(requirements_hash "$@")
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "Installing $* into $(dirname "$(dirname "$VENV_PY")") ..." >&2
  "$VENV_PY" -m pip install --quiet "$@"
  echo "$want" > "$stamp"
}

requirements_hash() {
  "$VENV_PY" - "$@" <<'EOF'
import hashlib, re, sys
from pathlib import Path

h = hashlib.sha256(" ".join(sys.argv[1:]).encode())
todo = [sys.argv[i + 1] for i, a in enumerate(sys.argv[1:-1], 1) if a in ("-r", "--requirement")]
seen = set()
while todo:
    path = Path(todo.pop(0))
    if path in seen or not path.is_file():
        continue
    seen.add(path)
    text = path.read_text()
    h.update(f"{path}\0{text}\0".encode())
    todo += [str(path.parent / m) for m in re.findall(r"^\s*(?:-r|--requirement)\s+(\S+)", text, re.M)]
print(h.hexdigest())
EOF
}

main() {
  venv_python
  install_once app -r requirements.txt
  exec "$VENV_PY" ui.py "$@"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
