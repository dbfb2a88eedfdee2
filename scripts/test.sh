#!/usr/bin/env bash
# The whole test suite: once on SQLite (everything, browser included), then the database
# tests again on PostgreSQL. Installs Debian's Chromium for the browser test when it can.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests ..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "WARNING: could not install chromium; browser tests will skip (or fail under CI)"
fi

echo "== test suite on SQLite"
"$BIN/pytest" "$@"

PG_URL="${ACUPLAN_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
if "$BIN/python" - "$PG_URL" <<'PY'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
PY
then
  echo "== database tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" "$BIN/pytest" tests/web tests/outcomes tests/accounts tests/audit \
    tests/followup tests/booking tests/portal tests/billing tests/bridge -m "not browser" "$@"
elif [ -n "${CI:-}" ]; then
  echo "ERROR: PostgreSQL is not reachable at $PG_URL and CI is set: the suite must run on it."
  exit 1
else
  echo "SKIPPED: PostgreSQL tests: no server reachable at $PG_URL (set ACUPLAN_TEST_POSTGRES_URL)."
fi
