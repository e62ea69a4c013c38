# shellcheck shell=bash
# Sourced by tests/run (never executed): a headless Chromium for the tests that open HTML in a browser (Playwright for
# .NET drives it with ExecutablePath; never `playwright install`, which downloads a browser build of its own).
# Installs Debian's chromium when /usr/bin/chromium is missing and exports:
#   QP_TEST_CHROMIUM  the browser binary

qp_chromium_setup() {
  local browser="${QP_TEST_CHROMIUM:-/usr/bin/chromium}"
  if [[ ! -x "$browser" ]]; then
    if [[ $EUID -ne 0 ]]; then
      echo "tests/services/chromium.sh: chromium is not installed and installing needs root. Maybe: sudo apt-get install -y chromium" >&2
      return 1
    fi
    echo "tests/services/chromium.sh: installing chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >/tmp/qp-test-chromium-install.log 2>&1 || {
      echo "tests/services/chromium.sh: apt-get install chromium failed; see /tmp/qp-test-chromium-install.log" >&2
      return 1
    }
    browser=/usr/bin/chromium
    [[ -x "$browser" ]] || { echo "tests/services/chromium.sh: $browser missing after installing" >&2; return 1; }
  fi
  export QP_TEST_CHROMIUM="$browser"
}

qp_chromium_setup
