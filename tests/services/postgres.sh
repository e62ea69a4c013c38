# shellcheck shell=bash
# Sourced by tests/run (never executed): a throw-away PostgreSQL for the tests on 127.0.0.1:${QP_TEST_PG_PORT:-55432}.
# Installs PostgreSQL when missing (Debian), initialises a data directory under /tmp, starts it (or reuses
# whatever already answers on that port) and exports:
#   QP_TEST_PG         Npgsql connection string (role qp_test, superuser, database quantum_planner;
#                      tests make their own databases next to it)
#   QP_TEST_PG_BINDIR  directory of pg_ctl/psql;  QP_TEST_PG_DATA  the data directory;
#   QP_TEST_PG_RUNAS   OS user that must run pg_ctl ("" when it is the current user). Fault tests stop/start it with
#                      ${QP_TEST_PG_RUNAS:+runuser -u $QP_TEST_PG_RUNAS --} "$QP_TEST_PG_BINDIR/pg_ctl" -D "$QP_TEST_PG_DATA" -w stop|start
# Settings live in the data directory's postgresql.conf, so a plain "pg_ctl start" brings it back the same.

qp_pg_setup() {
  local port="${QP_TEST_PG_PORT:-55432}"
  local data="${QP_TEST_PG_DATA:-/tmp/qp-test-postgres-$port}"
  local bindir="" candidate runas=""

  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$candidate/pg_ctl" ]] && { bindir="$candidate"; break; }
  done
  if [[ -z "$bindir" ]] && command -v pg_config >/dev/null && [[ -x "$(pg_config --bindir)/pg_ctl" ]]; then
    bindir="$(pg_config --bindir)"
  fi
  if [[ -z "$bindir" ]]; then
    if [[ $EUID -ne 0 ]]; then
      echo "tests/services/postgres.sh: PostgreSQL is not installed and installing needs root. Maybe: sudo apt-get install -y postgresql postgresql-contrib" >&2
      return 1
    fi
    echo "tests/services/postgres.sh: installing PostgreSQL" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq postgresql postgresql-contrib; } >/tmp/qp-test-postgres-install.log 2>&1 || {
      echo "tests/services/postgres.sh: apt-get install postgresql failed; see /tmp/qp-test-postgres-install.log" >&2
      return 1
    }
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
      [[ -x "$candidate/pg_ctl" ]] && { bindir="$candidate"; break; }
    done
    [[ -n "$bindir" ]] || { echo "tests/services/postgres.sh: pg_ctl not found after installing" >&2; return 1; }
  fi

  # PostgreSQL refuses to run as root: use the postgres account (created by the package, or here).
  if [[ $EUID -eq 0 ]]; then
    runas=postgres
    id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
  fi
  local -a as=()
  [[ -n "$runas" ]] && as=(runuser -u "$runas" --)

  if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; then
    if [[ ! -f "$data/PG_VERSION" ]]; then
      rm -rf "$data"
      mkdir -p "$data" && chmod 700 "$data"
      [[ -n "$runas" ]] && chown "$runas:" "$data"
      "${as[@]}" "$bindir/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
        >"/tmp/qp-test-postgres-$port-initdb.log" 2>&1 || {
        echo "tests/services/postgres.sh: initdb failed; see /tmp/qp-test-postgres-$port-initdb.log" >&2
        return 1
      }
      cat >>"$data/postgresql.conf" <<CONF
# tests/services/postgres.sh
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
max_connections = 300
shared_preload_libraries = 'pg_stat_statements'
CONF
    fi
    if ! "${as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null; then
      echo "tests/services/postgres.sh: PostgreSQL did not start on port $port; see $data/server.log" >&2
      tail -5 "$data/server.log" >&2
      return 1
    fi
  fi

  # The test role; through the socket as the bootstrap superuser when this is our instance.
  if [[ -S "$data/.s.PGSQL.$port" ]]; then
    "${as[@]}" "$bindir/psql" -q -X -h "$data" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || return 1
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qp_test') THEN
    CREATE ROLE qp_test LOGIN SUPERUSER PASSWORD 'qp_test';
  END IF;
END $$;
SQL
  fi
  if ! PGPASSWORD=qp_test "$bindir/psql" -q -X -h 127.0.0.1 -p "$port" -U qp_test -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
    echo "tests/services/postgres.sh: port $port answers but role qp_test/qp_test cannot log in. Maybe another PostgreSQL uses the port; set QP_TEST_PG_PORT." >&2
    return 1
  fi

  export QP_TEST_PG="Host=127.0.0.1;Port=$port;Username=qp_test;Password=qp_test;Database=quantum_planner"
  export QP_TEST_PG_BINDIR="$bindir" QP_TEST_PG_DATA="$data" QP_TEST_PG_RUNAS="$runas"
}

qp_pg_setup
