#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the office-side tests and prints its URL.
#   usage: packaging/pg-test-server.sh start DIR   → prints postgresql+psycopg://… on stdout
#          packaging/pg-test-server.sh stop DIR
# The cluster lives in DIR (owned by the 'postgres' user when run as root: the server refuses root),
# listens on 127.0.0.1 only, and trusts local connections — it holds nothing but test data.
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    mkdir -p "$dir"
    # A free port, chosen once per cluster and remembered beside it.
    [ -f "$dir.port" ] || python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])" > "$dir.port"
    port=${HAZDESK_PG_PORT:-$(cat "$dir.port")}
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null
    fi
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "unknown action $action" >&2; exit 2 ;;
esac
