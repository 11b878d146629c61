#!/usr/bin/env bash
# Determinism: runs one guest test three times on glasspc with an interrupt and device trace —
# twice with hot blocks compiled to host code (the default), once interpreted only
# (-accel tcg,jit=off) — and requires that it passes every time with identical serial output and
# identical traces (every trace line is stamped with the retired-instruction count and virtual
# time, so equal traces mean the same instructions ran between the same events, up to the final
# exit).
#   run_determinism_test.sh GLASSPC IMAGE [extra options...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
glasspc=$1
image=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
engines=("jit=on" "jit=on" "jit=off")
for run in 1 2 3; do
  if ! "$here/run_guest_test.sh" "$glasspc" "$image" -accel "tcg,${engines[run - 1]}" \
    -d irq,device -D "$work/trace$run" "$@" >"$work/out$run" 2>&1; then
    echo "run $run (${engines[run - 1]}) failed:"
    cat "$work/out$run"
    exit 1
  fi
done
for run in 2 3; do
  if ! cmp -s "$work/out1" "$work/out$run"; then
    echo "serial output differs between run 1 and run $run (${engines[run - 1]}):"
    diff "$work/out1" "$work/out$run" | head -n 20
    exit 1
  fi
  if ! cmp -s "$work/trace1" "$work/trace$run"; then
    echo "traces differ between run 1 and run $run (${engines[run - 1]}):"
    diff "$work/trace1" "$work/trace$run" | head -n 20
    exit 1
  fi
done
echo "deterministic: $(grep -c . "$work/trace1") trace events, last: $(tail -n 1 "$work/trace1")"
grep -i checksum "$work/out1" || true
