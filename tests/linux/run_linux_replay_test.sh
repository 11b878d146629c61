#!/usr/bin/env bash
# Replay readiness: boots the boot-check guest twice with fast pacing and the same RTC start, and
# requires byte-identical serial output and the same retired-instruction count at power-off
# (from the ACPI "sleep" event of a -d device trace, which is stamped with the instruction count).
#   run_linux_replay_test.sh GLASSPC GUEST_DIR
set -uo pipefail
glasspc=$1 guest=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for run in 1 2; do
  timeout 900 "$glasspc" -m 256M -display none -serial "file:$work/serial$run" -no-reboot \
    -pacing fast -rtc base=2024-01-01T00:00:00 -d device -D "$work/trace$run" \
    -kernel "$guest/vmlinuz" -initrd "$guest/initramfs-boot_check_init.cpio.gz" \
    -append "console=ttyS0 panic=-1 glasspc_cpus=1" </dev/null >/dev/null 2>&1
  status=$?
  [ "$status" -eq 0 ] || { echo "run $run: exit status $status"; tail -n 40 "$work/serial$run"; exit 1; }
  grep -q '^boot-check: PASS' "$work/serial$run" || { echo "run $run did not pass"; tail -n 40 "$work/serial$run"; exit 1; }
  grep ' sleep ' "$work/trace$run" | tail -n 1 >"$work/end$run"
  [ -s "$work/end$run" ] || { echo "run $run: no ACPI sleep event in the trace"; exit 1; }
done
if ! cmp -s "$work/serial1" "$work/serial2"; then
  echo "serial output differs between the two runs:"
  diff "$work/serial1" "$work/serial2" | head -n 20
  exit 1
fi
if ! cmp -s "$work/end1" "$work/end2"; then
  echo "power-off came at different points: $(cat "$work/end1") vs $(cat "$work/end2")"
  exit 1
fi
echo "replay: identical serial output ($(wc -c <"$work/serial1") bytes), power-off at $(cat "$work/end1")"
