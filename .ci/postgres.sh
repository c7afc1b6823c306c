#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on loopback for the tests (sourced by .ci/run; usable on its own:
#   source .ci/postgres.sh && ./mvnw -B verify).
# Installs Debian's postgresql when no server binaries are there, runs the server as the postgres user (it refuses
# root) in a fresh data directory with trust authentication on 127.0.0.1 only, creates the database harborsync and
# exports HARBOR_SYNC_TEST_PG_URL, which the store tests, the crash test and the HA test read. Stopped on exit.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN="$(pg_bin)"
PGPORT="${HARBOR_SYNC_TEST_PG_PORT:-55432}"
# a port something else already listens on (another run's server) is skipped
while (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; do PGPORT=$((PGPORT + 1)); done
PGDATA_DIR="$(mktemp -d /tmp/harbor-sync-pg.XXXXXX)"
chmod 0755 "$PGDATA_DIR"

as_pg() {
  if [ "$(id -un)" = postgres ]; then "$@";
  elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@";
  else sudo -u postgres "$@"; fi
}

if [ "$(id -u)" -eq 0 ] || [ "$(id -un)" = postgres ]; then
  chown postgres "$PGDATA_DIR"
else
  sudo chown postgres "$PGDATA_DIR"
fi
as_pg "$PGBIN/initdb" -D "$PGDATA_DIR/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA_DIR -c fsync=off -c max_connections=200" start >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qAt -c "CREATE DATABASE harborsync" >/dev/null

harbor_sync_pg_stop() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  as_root rm -rf "$PGDATA_DIR" || true
}
trap harbor_sync_pg_stop EXIT

export HARBOR_SYNC_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$PGPORT/harborsync"
export HARBOR_SYNC_TEST_PG_USER=postgres
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') for the tests at $HARBOR_SYNC_TEST_PG_URL"
