#!/usr/bin/env bash
# One command to set up and run every test: system packages, .venv, a throwaway PostgreSQL server
# for the office tests, then ruff and pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh --test

pgdir=$(mktemp -d /tmp/hazdesk-pg.XXXXXX)
cleanup() { bash packaging/pg-test-server.sh stop "$pgdir"; rm -rf "$pgdir" "$pgdir.port"; }
trap cleanup EXIT
HAZDESK_TEST_PG_URL=$(bash packaging/pg-test-server.sh start "$pgdir")
export HAZDESK_TEST_PG_URL
export QT_QPA_PLATFORM=offscreen

.venv/bin/ruff check hazdesk ui db tests packaging
.venv/bin/python -m pytest "$@"
