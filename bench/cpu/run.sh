#!/usr/bin/env bash
# CPU benchmark: bare-metal kernels (integer, then SSE2/x87/SHA-256) in glasspc and in QEMU TCG,
# in the same run.
#   bench/cpu/run.sh BUILD_DIR [KERNEL...]
# Each kernel runs 3 times in each emulator; the table shows medians of wall time with each
# emulator's start-up (the `null` kernel, always run) subtracted, and glasspc/QEMU ratios (lower
# is better). Every kernel prints a checksum of its work on COM1: glasspc's must be the same in
# every run and equal QEMU's, and kernels with a known answer (bench/cpu/reference.py) also check
# it themselves and exit with another status when it differs; any mismatch fails the benchmark.
# Results also go to bench/results/cpu-<date>.json.
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kernels=(null sieve crc32 memcpy interp sse_memcpy sse_strlen sha256 fp_double x87_mandel)
if [ $# -gt 1 ]; then kernels=(null "${@:2}"); fi
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
# time_run OUT CMD...: prints the wall time in seconds of one run, whose COM1 output goes to OUT;
# the kernel must exit with status 1 (status 3 is a kernel's own wrong-checksum verdict).
time_run() {
  local out=$1 start end status=0
  shift
  rm -f "$out"
  start=$(date +%s.%N)
  "$@" -serial "file:$out" </dev/null >/dev/null 2>&1 || status=$?
  end=$(date +%s.%N)
  if [ "$status" -ne 1 ]; then
    echo "bench: '$*' exited with $status ($(cat "$out" 2>/dev/null))" >&2
    exit 1
  fi
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }'
}
# checksum_of OUT: the kernel's "checksum XXXXXXXX" value.
checksum_of() { sed -n 's/^checksum \([0-9a-f]\{8\}\)$/\1/p' "$1"; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

declare -A glass qemu sums
for k in "${kernels[@]}"; do
  g=(); q=()
  for ((i = 0; i < runs; i++)); do
    g+=("$(time_run "$work/$k.glasspc.out" "$build/glasspc" -pacing fast "${common[@]}" \
      -kernel "$work/$k.bin")")
    sum=$(checksum_of "$work/$k.glasspc.out")
    if [ -z "$sum" ] || { [ -n "${sums[$k]:-}" ] && [ "$sum" != "${sums[$k]}" ]; }; then
      echo "bench: $k: glasspc printed checksum '$sum', before '${sums[$k]:-}'" >&2
      exit 1
    fi
    sums[$k]=$sum
    if command -v qemu-system-x86_64 >/dev/null; then
      q+=("$(time_run "$work/$k.qemu.out" qemu-system-x86_64 -accel tcg -M pc "${common[@]}" \
        -kernel "$work/$k.bin")")
      qsum=$(checksum_of "$work/$k.qemu.out")
      if [ "$qsum" != "$sum" ]; then
        echo "bench: $k: glasspc's checksum $sum differs from QEMU's '$qsum'" >&2
        exit 1
      fi
    fi
  done
  glass[$k]=$(median "${g[@]}")
  [ ${#q[@]} -gt 0 ] && qemu[$k]=$(median "${q[@]}")
done

printf '%-10s %12s %12s %8s  %s\n' kernel "glasspc (s)" "QEMU TCG (s)" ratio checksum
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
  printf '%-10s %12.3f %12s %8s  %s\n' "$k" "$gs" "${qs:+$(printf '%.3f' "$qs")}" \
    "$([ "$ratio" = - ] && echo - || printf '%.2f' "$ratio")" "${sums[$k]}"
  json+="$sep\"$k\": {\"glasspc_s\": $gs, \"qemu_s\": ${qs:-null}, \"checksum\": \"${sums[$k]}\"}"
  sep=", "
done
json+="}}"
out="$root/bench/results/cpu-$(date -u +%Y%m%dT%H%M%SZ).json"
echo "$json" > "$out"
echo "(null = start-up time, subtracted from the others; checksums equal in both emulators;"
echo " results in ${out#$root/})"
