#!/usr/bin/env bash
# Creates .venv-bench/ with the full MLflow package (server + client) for the side-by-side bench; idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-bench
stamp="$venv/.requirements.sha256"
want=$(sha256sum bench/mlflow-py/requirements.txt | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
echo "[bench] creating $venv with MLflow (one-off, a few minutes)" >&2
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r bench/mlflow-py/requirements.txt >&2
echo "$want" > "$stamp"
