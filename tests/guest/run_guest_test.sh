#!/usr/bin/env bash
# Runs one bare-metal guest test and judges it by what the guest reported.
#   run_guest_test.sh [--expect-status N] EMULATOR IMAGE [extra options...]
# EMULATOR is the glasspc binary, or "qemu" to check the test itself against QEMU TCG (the
# reference PC); the same image must pass on both. The guest prints PASS/FAIL lines on COM1 and
# exits through isa-debug-exit with status 1 (all passed) or 3 (something failed).
# --expect-status N: the guest ends the run another way (ACPI power-off ends it with 0); the run
# must end with status N, and the PASS/FAIL lines are judged as usual.
set -u
expected=1
if [ "${1:-}" = --expect-status ]; then
  expected=$2
  shift 2
fi
emulator=$1
image=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT

common=(-nodefaults -display none -serial "file:$out"
        -device isa-debug-exit,iobase=0xf4,iosize=0x4 -no-reboot -kernel "$image")
if [ "$emulator" = qemu ]; then
  timeout 120 qemu-system-x86_64 -accel tcg -M pc "${common[@]}" "$@" </dev/null
else
  timeout 120 "$emulator" -pacing fast "${common[@]}" "$@" </dev/null
fi
status=$?
cat "$out"
if [ "$status" -ne "$expected" ]; then
  echo "guest test: exit status $status, expected $expected"
  exit 1
fi
if grep -q '^FAIL' "$out"; then
  echo "guest test: a check failed"
  exit 1
fi
if ! grep -q '^PASS' "$out"; then
  echo "guest test: no check ran"
  exit 1
fi
exit 0
