#!/usr/bin/env bash
# CPU benchmark: integer-heavy bare-metal kernels in glasspc and in QEMU TCG, in the same run.
#   bench/cpu/run.sh BUILD_DIR
# Each kernel runs 3 times in each emulator; the table shows medians of wall time with each
# emulator's start-up (the `null` kernel) subtracted, and glasspc/QEMU ratios (lower is better).
# Results also go to bench/results/cpu-<date>.json.
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kernels=(null sieve crc32 memcpy interp)
runs=3
work="$build/bench/cpu"
mkdir -p "$work" "$root/bench/results"

if ! command -v qemu-system-x86_64 >/dev/null; then
  echo "bench: installing qemu-system-x86 (a benchmark-only reference, not a glasspc dependency)"
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    qemu-system-x86 >/dev/null || echo "bench: QEMU unavailable; glasspc times only"
fi

for k in "${kernels[@]}"; do
  nasm -f bin -I "$root/tests/guest/" -I "$here/" -o "$work/$k.bin" "$here/$k.asm"
done

common=(-m 256 -nodefaults -display none -device isa-debug-exit,iobase=0xf4,iosize=0x4 -no-reboot)
# Prints the wall time in seconds of one run; the kernel must exit with status 1.
time_run() {
  local start end status=0
  start=$(date +%s.%N)
  "$@" </dev/null >/dev/null 2>&1 || status=$?
  end=$(date +%s.%N)
  if [ "$status" -ne 1 ]; then echo "bench: '$*' exited with $status" >&2; exit 1; fi
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }'
}
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

declare -A glass qemu
for k in "${kernels[@]}"; do
  g=(); q=()
  for ((i = 0; i < runs; i++)); do
    g+=("$(time_run "$build/glasspc" -pacing fast "${common[@]}" -kernel "$work/$k.bin")")
    if command -v qemu-system-x86_64 >/dev/null; then
      q+=("$(time_run qemu-system-x86_64 -accel tcg -M pc "${common[@]}" -kernel "$work/$k.bin")")
    fi
  done
  glass[$k]=$(median "${g[@]}")
  [ ${#q[@]} -gt 0 ] && qemu[$k]=$(median "${q[@]}")
done

printf '%-8s %12s %12s %8s\n' kernel "glasspc (s)" "QEMU TCG (s)" ratio
json="{\"machine\": \"$(uname -m) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\", \"kernels\": {"
sep=""
for k in "${kernels[@]}"; do
  if [ "$k" = null ]; then
    gs=${glass[$k]}; qs=${qemu[$k]:-}
  else
    gs=$(calc "${glass[$k]} - ${glass[null]}")
    qs=""; [ -n "${qemu[$k]:-}" ] && qs=$(calc "${qemu[$k]} - ${qemu[null]}")
  fi
  ratio="-"; [ -n "$qs" ] && ratio=$(calc "$gs / $qs")
  printf '%-8s %12.3f %12s %8s\n' "$k" "$gs" "${qs:+$(printf '%.3f' "$qs")}" \
    "$([ "$ratio" = - ] && echo - || printf '%.2f' "$ratio")"
  json+="$sep\"$k\": {\"glasspc_s\": $gs, \"qemu_s\": ${qs:-null}}"
  sep=", "
done
json+="}}"
out="$root/bench/results/cpu-$(date -u +%Y%m%dT%H%M%SZ).json"
echo "$json" > "$out"
echo "(null = start-up time, subtracted from the others; results in ${out#$root/})"
