# shellcheck shell=bash
# Sourced by tests/run (never executed): checks and unit-tests the Prometheus alert rules in deploy/k8s with promtool
# (Debian's prometheus package ships it). Installs it when missing, exports QP_TEST_PROMTOOL, and fails when
# `promtool check rules` or `promtool test rules` fails, so a broken rule file fails the test command.

qp_promtool_setup() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local promtool
  promtool="$(command -v promtool || true)"
  if [[ -z "$promtool" ]]; then
    if [[ $EUID -ne 0 ]]; then
      echo "tests/services/promtool.sh: promtool is not installed and installing needs root. Maybe: sudo apt-get install -y prometheus" >&2
      return 1
    fi
    echo "tests/services/promtool.sh: installing prometheus (for promtool)" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus; } >/tmp/qp-test-promtool-install.log 2>&1 || {
      echo "tests/services/promtool.sh: apt-get install prometheus failed; see /tmp/qp-test-promtool-install.log" >&2
      return 1
    }
    promtool="$(command -v promtool || true)"
    [[ -n "$promtool" ]] || { echo "tests/services/promtool.sh: promtool missing after installing" >&2; return 1; }
  fi
  export QP_TEST_PROMTOOL="$promtool"
  "$promtool" check rules "$root/deploy/k8s/alerts/rules.yaml" >/tmp/qp-test-promtool.log 2>&1 &&
    (cd "$root/deploy/k8s/alerts" && "$promtool" test rules rules.test.yaml) >>/tmp/qp-test-promtool.log 2>&1 || {
    echo "tests/services/promtool.sh: promtool check/test rules failed:" >&2
    cat /tmp/qp-test-promtool.log >&2
    return 1
  }
}

qp_promtool_setup
