#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for development or CI and prints its URL as the last line of stdout:
#   export KEFU_TEST_DATABASE_URL="$(scripts/start-postgres.sh | tail -n 1)"
#   scripts/start-postgres.sh stop DIR       # stops it and removes DIR
# The cluster lives in DIR (default: a new temp dir), listens on 127.0.0.1 only on a free port
# (or $PGPORT), trusts local connections, runs with fsync off, and has a role and a database
# both named kefu. As root, it runs as the postgres system user (initdb refuses root).
# Needs the Debian package postgresql (or KEFU_PG_BIN pointing at the folder with initdb).
set -euo pipefail

bin="${KEFU_PG_BIN:-}"
if [ -z "$bin" ]; then
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
[ -x "$bin/initdb" ] || { echo "PostgreSQL server not found: apt-get install postgresql, or set KEFU_PG_BIN" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  dir="${2:?usage: $0 stop DIR}"
  as_owner "$bin/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/kefu-pg-XXXXXX")}"
mkdir -p "$dir/data" "$dir/socket"
[ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
chmod 700 "$dir/data"

port="${PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync --no-instructions >"$dir/initdb.log"
as_owner "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
as_owner "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c 'CREATE ROLE kefu LOGIN CREATEDB' -c 'CREATE DATABASE kefu OWNER kefu' >/dev/null

echo "PostgreSQL in $dir; stop with: $0 stop $dir" >&2
echo "postgres://kefu@127.0.0.1:$port/kefu"
