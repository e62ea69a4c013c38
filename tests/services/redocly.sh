# shellcheck shell=bash
# Sourced by tests/run (never executed): installs Redocly CLI 2.77.0 with npm into tests/.tools/redocly (once) and
# exports QP_TEST_REDOCLY; RedoclyLintTests then lints the service's /openapi/v1.json with the minimal ruleset and
# fails on any error.

qp_redocly_setup() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local dir="$root/tests/.tools/redocly"
  local bin="$dir/node_modules/.bin/redocly"
  if [[ ! -x "$bin" ]]; then
    command -v npm >/dev/null || { echo "tests/services/redocly.sh: npm is not installed. Maybe: apt-get install -y npm" >&2; return 1; }
    echo "tests/services/redocly.sh: installing @redocly/cli 2.77.0" >&2
    mkdir -p "$dir"
    npm install --no-audit --no-fund --prefix "$dir" @redocly/cli@2.77.0 >/tmp/qp-test-redocly-install.log 2>&1 || {
      echo "tests/services/redocly.sh: npm install @redocly/cli failed; see /tmp/qp-test-redocly-install.log" >&2
      return 1
    }
  fi
  export QP_TEST_REDOCLY="$bin"
}

qp_redocly_setup
