#!/usr/bin/env bash
# One command to set up and start hazdesk. With no database yet, a realistic demo database
# (one district) is built first in the user's data directory (override with HAZDESK_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup.sh
db=$(.venv/bin/python -c 'from hazdesk.paths import default_database_path; print(default_database_path())')
if [ ! -s "$db" ]; then
  echo "hazdesk: 未找到数据库，正在生成演示数据（一个区县）：$db" >&2
  .venv/bin/hazdesk demo --db "$db" --scale district
fi
exec .venv/bin/hazdesk --db "$db" "$@"
