#!/usr/bin/env bash
# `npm test`: installs what the tests need that npm does not (Debian's Chromium, PostgreSQL and Redis; Python
# virtual environments with the official MLflow clients and an S3-compatible test server), type-checks (tsc,
# svelte-check), builds the web app, then runs every vitest project.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests start for real: Chromium (browser tests), PostgreSQL and Redis (the multi-instance
# stores and fan-out; each test starts its own server on a free loopback port and a fresh data directory).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
	echo "[test] installing Debian packages the tests need: ${missing[*]}"
	sudo_=()
	[ "$(id -u)" = 0 ] || sudo_=(sudo)
	"${sudo_[@]}" apt-get update -qq && "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
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
