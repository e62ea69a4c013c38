# shellcheck shell=bash
# Sourced by tests/run (never executed): a throw-away S3-compatible server (s3rver from the npm registry) for the
# backup and archive tests on 127.0.0.1:${QP_TEST_S3_PORT:-54568}. Installs s3rver (version pinned below, the one
# named in the package list) into ${QP_TEST_CACHE:-/tmp/qp-test-cache} when missing, starts it with its own data
# directory (or reuses whatever answers on that port) with the bucket qp-test, and exports:
#   QP_TEST_S3_ENDPOINT   http://127.0.0.1:PORT (ServiceURL, path-style addressing)
#   QP_TEST_S3_BUCKET     qp-test
#   QP_TEST_S3_ACCESS_KEY / QP_TEST_S3_SECRET_KEY   s3rver's fixed credentials
#   QP_TEST_S3_PID        the server's process id when this script started it (tests/services/stop ends it)

# True when something accepts TCP connections on the port (bash's /dev/tcp: no curl needed).
qp_s3_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

qp_s3_setup() {
  local port="${QP_TEST_S3_PORT:-54568}"
  local version=3.7.1
  local cache="${QP_TEST_CACHE:-/tmp/qp-test-cache}/s3rver-$version"
  local dir="/tmp/qp-test-s3-$port"
  local main="$cache/node_modules/s3rver/bin/s3rver.js"

  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [[ $EUID -ne 0 ]]; then
      echo "tests/services/s3.sh: node/npm are not installed and installing needs root. Maybe: sudo apt-get install -y nodejs npm" >&2
      return 1
    fi
    echo "tests/services/s3.sh: installing nodejs and npm" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm; } >/tmp/qp-test-s3-install.log 2>&1 || {
      echo "tests/services/s3.sh: apt-get install nodejs npm failed; see /tmp/qp-test-s3-install.log" >&2
      return 1
    }
  fi
  if [[ ! -f "$main" ]]; then
    echo "tests/services/s3.sh: installing s3rver@$version into $cache" >&2
    mkdir -p "$cache"
    (cd "$cache" && npm install --no-audit --no-fund --silent "s3rver@$version") >/tmp/qp-test-s3-install.log 2>&1 || {
      echo "tests/services/s3.sh: npm install s3rver@$version failed; see /tmp/qp-test-s3-install.log" >&2
      return 1
    }
  fi

  if ! qp_s3_answers "$port"; then
    mkdir -p "$dir"
    nohup node "$main" --directory "$dir" --address 127.0.0.1 --port "$port" --silent --no-vhost-buckets \
      --configure-bucket qp-test >"$dir.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir.pid"
    local i
    for i in $(seq 1 100); do
      qp_s3_answers "$port" && break
      sleep 0.1
    done
    qp_s3_answers "$port" || {
      echo "tests/services/s3.sh: s3rver did not answer on port $port; see $dir.log" >&2
      return 1
    }
  fi
  export QP_TEST_S3_ENDPOINT="http://127.0.0.1:$port" QP_TEST_S3_BUCKET=qp-test
  export QP_TEST_S3_ACCESS_KEY=S3RVER QP_TEST_S3_SECRET_KEY=S3RVER
  [[ -f "$dir.pid" ]] && export QP_TEST_S3_PID="$(cat "$dir.pid")"
  return 0
}

qp_s3_setup
