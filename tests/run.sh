#!/usr/bin/env bash
# `npm test`: installs what the tests need that npm does not (Debian's Chromium for the browser tests, Python
# virtual environments with the official MLflow clients), type-checks (tsc, svelte-check), builds the web app, then
# runs every vitest project.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
	echo "[test] installing Debian chromium for the browser tests"
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	else
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	fi
fi

if [ -f tests/python/requirements.txt ]; then
	bash tests/python/setup.sh
fi

npx svelte-kit sync >/dev/null
# Types are part of the test: any tsc or svelte-check error fails the run before a test starts.
echo "[test] type-checking (tsc, svelte-check)"
npx tsc --noEmit -p tsconfig.json
npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings
echo "[test] building the web app"
NODE_ENV=production npx vite build --logLevel warn
exec npx vitest run "$@"
