#!/usr/bin/env bash
# Creates the pinned Python clients for the MLflow-compatibility tests: .venv-test (MLflow 3.x, requirements.txt)
# and .venv-test2 (MLflow 2.15.0, requirements-2x.txt, also MLflow's own suite), and .venv-s3 (moto, the S3 server for
# tests/s3-blob-store.test.ts, requirements-s3.txt). Idempotent: a venv is rebuilt only
# when its requirements changed and it does not already hold every pin; an up-to-date venv is never touched.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3}"

# Exit 0 when every `name==version` line of $2 is installed in the venv $1 (names compared as pip normalises them).
pins_installed() {
	"$1/bin/python" - "$2" <<'EOF' 2>/dev/null
import re, sys
from importlib import metadata
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
have = {norm(d.metadata["Name"]): d.version for d in metadata.distributions()}
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, version = line.split("==")
        if have.get(norm(name)) != version:
            sys.exit(1)
EOF
}

setup_venv() {
	local venv=$1 requirements=$2
	local stamp="$venv/.requirements.sha256"
	local want
	want=$(sha256sum "$requirements" | cut -d' ' -f1)
	if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
	# Built elsewhere from the same pins (MLflow's suite runner makes .venv-test2 too): use it as it is.
	if [ -x "$venv/bin/python" ] && pins_installed "$venv" "$requirements"; then return 0; fi
	echo "[test] creating $venv from $requirements"
	"$PY" -m venv --clear "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
	echo "$want" > "$stamp"
}

setup_venv .venv-test tests/python/requirements.txt
setup_venv .venv-test2 tests/python/requirements-2x.txt
setup_venv .venv-s3 tests/python/requirements-s3.txt
