# shellcheck shell=bash
# Sourced by tests/run (never executed): a throw-away Redis for the tests on 127.0.0.1:${QP_TEST_REDIS_PORT:-56379}
# without persistence. Installs redis-server when missing (Debian), starts it (or reuses whatever answers PING on
# that port) and exports:
#   QP_TEST_REDIS         host:port
#   QP_TEST_REDIS_SERVER  the redis-server binary;  QP_TEST_REDIS_CLI  redis-cli
#   QP_TEST_REDIS_START   the exact command line that starts it again (fault tests stop it with
#                         "$QP_TEST_REDIS_CLI" -p PORT shutdown nosave and restart it with this).

qp_redis_setup() {
  local port="${QP_TEST_REDIS_PORT:-56379}"
  local dir="/tmp/qp-test-redis-$port"
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    if [[ $EUID -ne 0 ]]; then
      echo "tests/services/redis.sh: redis-server is not installed and installing needs root. Maybe: sudo apt-get install -y redis-server" >&2
      return 1
    fi
    echo "tests/services/redis.sh: installing redis-server" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server; } >/tmp/qp-test-redis-install.log 2>&1 || {
      echo "tests/services/redis.sh: apt-get install redis-server failed; see /tmp/qp-test-redis-install.log" >&2
      return 1
    }
  fi
  local server cli
  server="$(command -v redis-server)"
  cli="$(command -v redis-cli)"
  local start="$server --bind 127.0.0.1 --port $port --daemonize yes --save '' --appendonly no --dir $dir --pidfile $dir/redis.pid --logfile $dir/redis.log"

  if [[ "$("$cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null)" != "PONG" ]]; then
    mkdir -p "$dir"
    eval "$start" || { echo "tests/services/redis.sh: redis-server did not start on port $port; see $dir/redis.log" >&2; return 1; }
    local i
    for i in $(seq 1 50); do
      [[ "$("$cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]] && break
      sleep 0.1
    done
    [[ "$("$cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]] || {
      echo "tests/services/redis.sh: redis-server on port $port does not answer PING; see $dir/redis.log" >&2
      return 1
    }
  fi
  export QP_TEST_REDIS="127.0.0.1:$port" QP_TEST_REDIS_SERVER="$server" QP_TEST_REDIS_CLI="$cli" QP_TEST_REDIS_START="$start"
}

qp_redis_setup
