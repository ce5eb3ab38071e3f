#!/usr/bin/env bash
# Creates .venv-test/ with the pinned MLflow client for the MLflow-compatibility tests (idempotent: reinstalls
# only when requirements.txt changes).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-test
stamp="$venv/.requirements.sha256"
want=$(sha256sum tests/python/requirements.txt | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
echo "[test] creating $venv with the MLflow client"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r tests/python/requirements.txt
echo "$want" > "$stamp"
