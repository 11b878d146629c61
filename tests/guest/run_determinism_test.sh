#!/usr/bin/env bash
# Determinism: runs one guest test twice on glasspc with an interrupt and device trace, and
# requires that it passes both times with identical serial output and identical traces (every
# trace line is stamped with the retired-instruction count and virtual time, so equal traces mean
# the same instructions ran between the same events, up to the final exit).
#   run_determinism_test.sh GLASSPC IMAGE [extra options...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
glasspc=$1
image=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for run in 1 2; do
  if ! "$here/run_guest_test.sh" "$glasspc" "$image" -d irq,device -D "$work/trace$run" "$@" \
    >"$work/out$run" 2>&1; then
    echo "run $run failed:"
    cat "$work/out$run"
    exit 1
  fi
done
if ! cmp -s "$work/out1" "$work/out2"; then
  echo "serial output differs between the two runs:"
  diff "$work/out1" "$work/out2" | head -n 20
  exit 1
fi
if ! cmp -s "$work/trace1" "$work/trace2"; then
  echo "traces differ between the two runs:"
  diff "$work/trace1" "$work/trace2" | head -n 20
  exit 1
fi
echo "deterministic: $(grep -c . "$work/trace1") trace events, last: $(tail -n 1 "$work/trace1")"
grep -i checksum "$work/out1" || true
