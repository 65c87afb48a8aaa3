#!/usr/bin/env bash
# The Go tests, with -race, as `make test-go` runs them. On a failure the
# last lines printed are a summary of what failed: a CI log keeps only its
# tail, and a timed-out package ends in thousands of lines of goroutine
# dump that would otherwise hide which test was running.
set -uo pipefail

log=$(mktemp "${TMPDIR:-/tmp}/easel-go-test.XXXXXX")
trap 'rm -f "$log"' EXIT

"${GO:-go}" test -race -count=1 -timeout 15m "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  echo
  echo "==== go test failed (exit $rc): summary ===="
  # Failed tests and packages, panics, and the tests running at a timeout.
  awk '
    /^panic: test timed out/ { print; timeout = 1; next }
    timeout && /^[ \t]*running tests:/ { print; inlist = 1; next }
    inlist && /^[ \t]+Test/ { print; next }
    inlist { inlist = 0; timeout = 0 }
    /^(--- FAIL|FAIL|panic:)/ { print }
    /^[ \t]+[a-z_0-9]+_test\.go:[0-9]+:/ { print }
  ' "$log" | head -n 200
fi
exit "$rc"
