#!/usr/bin/env bash
# Replay readiness and engine equivalence: boots the boot-check guest three times with fast
# pacing and the same RTC start — once interpreted only (-accel tcg,jit=off), twice with hot
# blocks compiled to host code (the default) — and requires byte-identical serial output and
# byte-identical traces of every exception, interrupt, port and MMIO access and device event,
# each stamped with its retired-instruction count and virtual time, down to the ACPI "sleep"
# event of the power-off.
#   run_linux_replay_test.sh GLASSPC GUEST_DIR
set -uo pipefail
glasspc=$1 guest=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
engines=("jit=off" "jit=on" "jit=on")
for run in 1 2 3; do
  timeout 900 "$glasspc" -accel "tcg,${engines[run - 1]}" -m 256M -display none \
    -serial "file:$work/serial$run" -no-reboot -pacing fast -rtc base=2024-01-01T00:00:00 \
    -d int,port,mmio,device -D "$work/trace$run" \
    -kernel "$guest/vmlinuz" -initrd "$guest/initramfs-boot_check_init.cpio.gz" \
    -append "console=ttyS0 panic=-1 glasspc_cpus=1" </dev/null >/dev/null 2>&1
  status=$?
  [ "$status" -eq 0 ] || { echo "run $run: exit status $status"; tail -n 40 "$work/serial$run"; exit 1; }
  grep -q '^boot-check: PASS' "$work/serial$run" || { echo "run $run did not pass"; tail -n 40 "$work/serial$run"; exit 1; }
  grep ' sleep ' "$work/trace$run" | tail -n 1 >"$work/end$run"
  [ -s "$work/end$run" ] || { echo "run $run: no ACPI sleep event in the trace"; exit 1; }
done
for run in 2 3; do
  what="run $run (${engines[run - 1]}) and run 1 (${engines[0]})"
  if ! cmp -s "$work/serial1" "$work/serial$run"; then
    echo "serial output differs between $what:"
    diff "$work/serial1" "$work/serial$run" | head -n 20
    exit 1
  fi
  if ! cmp -s "$work/trace1" "$work/trace$run"; then
    echo "traces differ between $what:"
    diff "$work/trace1" "$work/trace$run" | head -n 20
    exit 1
  fi
done
echo "replay: identical serial output ($(wc -c <"$work/serial1") bytes) and traces" \
  "($(wc -l <"$work/trace1") events) interpreted and compiled, power-off at $(cat "$work/end1")"
