#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on loopback for the tests (installing Debian's package if
# needed) and exports NEWCOMER_TEST_POSTGRES_URL. Sourced by test.sh; the server stops on exit.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "==> installing Debian's postgresql for the database tests"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PGTEST_DIR="$(mktemp -d /tmp/newcomer-pg.XXXXXX)"
PGTEST_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_db_user() {
  # PostgreSQL refuses to run as root: use the package's postgres user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$PGTEST_DIR"
as_db_user "$PGBIN/initdb" -D "$PGTEST_DIR/data" -A trust -U newcomer -E UTF8 >/dev/null
as_db_user "$PGBIN/pg_ctl" -D "$PGTEST_DIR/data" -l "$PGTEST_DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGTEST_PORT -k $PGTEST_DIR -c fsync=off" start >/dev/null
stop_postgres() { as_db_user "$PGBIN/pg_ctl" -D "$PGTEST_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGTEST_DIR"; }
trap stop_postgres EXIT
export NEWCOMER_TEST_POSTGRES_URL="postgresql+psycopg2://newcomer@127.0.0.1:$PGTEST_PORT/postgres"
echo "==> PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$PGTEST_PORT"
