#!/usr/bin/env bash
# Runs Debian's Chromium headless on a page, bounded in time, with a fresh
# empty profile that is removed afterwards, no network services, no GPU and
# no sandbox (it may run as root, which Chromium's sandbox refuses). For the
# browser test and for screenshots:
#
#   reports/html/chromium_headless.sh --window-size=1200,2330 \
#     --screenshot=reports/html/screenshot.png file:///tmp/page.html
#   reports/html/chromium_headless.sh --dump-dom file:///tmp/page.html
#
# CHROMIUM overrides the binary (default /usr/bin/chromium), CHROMIUM_WAIT
# the time limit in seconds (default 40). Exit status: Chromium's; 124 if it
# ran out of time; 2 if Chromium is not installed.
set -euo pipefail

chromium="${CHROMIUM:-/usr/bin/chromium}"
wait_seconds="${CHROMIUM_WAIT:-40}"
if [[ ! -x "$chromium" ]]; then
  echo "chromium_headless: $chromium not found: install Debian's chromium" \
    "(./forkcheck setup, or apt-get install -y chromium)" >&2
  exit 2
fi
# Under /tmp, and its TMPDIR too: Chromium puts a Unix socket there, and a
# Bazel test's TMPDIR is longer than a socket path may be.
profile=$(mktemp -d /tmp/chromium-profile.XXXXXX)
trap 'rm -rf "$profile"' EXIT
status=0
HOME="$profile" TMPDIR="$profile" timeout --kill-after=5 "$wait_seconds" "$chromium" --headless \
  --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-extensions --hide-scrollbars --user-data-dir="$profile" "$@" ||
  status=$?
exit "$status"
