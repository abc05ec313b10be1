# A private, throwaway PostgreSQL cluster for the test suite (sourced by scripts/test.sh).
# It runs as the postgres user on its own port, so it never touches a system cluster.
PG_PORT=${PG_PORT:-54329}

start_test_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)"; return 1; }
  PG_DIR=$(mktemp -d /tmp/grantflow-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  local run=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; run=(su postgres -s /bin/sh -c); else run=(sh -c); fi
  "${run[@]}" "$bin/initdb -D $PG_DIR/data -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null"
  "${run[@]}" "$bin/pg_ctl -D $PG_DIR/data -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off' -l $PG_DIR/log -w start >/dev/null"
  PG_BIN=$bin
  PG_RUN=("${run[@]}")
  PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_URL
}

stop_test_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast -w stop >/dev/null" || true
  rm -rf "$PG_DIR"
}
