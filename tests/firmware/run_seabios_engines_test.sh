#!/usr/bin/env bash
# The stock SeaBIOS (Debian package seabios) under both CPU engines: runs it for a few seconds of
# host time interpreted (-accel tcg,jit=off) and compiled (the default), with a trace of every
# port and MMIO access and every exception and interrupt, each stamped with its retired-
# instruction count and virtual time. Both runs are deterministic, so the shorter trace must be
# an exact prefix of the longer one; SeaBIOS's POST is 16-bit real-mode and 32-bit flat code.
#   run_seabios_engines_test.sh GLASSPC [BIOS]
set -uo pipefail
glasspc=$1
bios=${2:-/usr/share/seabios/bios.bin}
[ -r "$bios" ] || { echo "no SeaBIOS image at $bios (apt-get install seabios)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for jit in off on; do
  timeout 6 "$glasspc" -accel "tcg,jit=$jit" -pacing fast -bios "$bios" -display none \
    -serial none -d port,mmio,int -D "$work/trace-$jit" </dev/null >/dev/null 2>&1
done
off=$(wc -l <"$work/trace-off") on=$(wc -l <"$work/trace-on")
common=$(( off < on ? off : on ))
# The last line may be cut short by the timeout.
common=$(( common - 1 ))
if [ "$common" -lt 50000 ]; then
  echo "too short to compare: $off lines interpreted, $on compiled"
  exit 1
fi
if ! cmp -s <(head -n "$common" "$work/trace-off") <(head -n "$common" "$work/trace-on"); then
  echo "the engines diverge:"
  diff <(head -n "$common" "$work/trace-off") <(head -n "$common" "$work/trace-on") | head -n 10
  exit 1
fi
echo "SeaBIOS: the first $common trace events agree ($off interpreted, $on compiled)," \
  "last: $(sed -n "${common}p" "$work/trace-on")"
