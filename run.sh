#!/usr/bin/env bash
# Run the app: install requirements.txt if its packages are missing, then `python ui.py` (the score database is
# built from data/papers on first run). Arguments go to ui.py, e.g. ./run.sh --port 8080
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c "import gradio, gradio_client, duckdb, openai, sqlglot, pydantic_settings, llama_index.core, llama_index.retrievers.bm25" 2>/dev/null; then
  echo "Installing requirements.txt ..."
  "$PYTHON" -m pip install --disable-pip-version-check -r requirements.txt
fi
exec "$PYTHON" ui.py "$@"
