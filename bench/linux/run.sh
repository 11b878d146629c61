#!/usr/bin/env bash
# Linux boot benchmark: the Debian kernel with a busybox initramfs whose /init
# (bench/linux/bench_init.sh) prints a marker and powers off at once, booted in glasspc and in
# QEMU TCG in the same run.
#   bench/linux/run.sh BUILD_DIR
# Each emulator boots it 3 times; the table shows the median wall time from start to ACPI
# power-off, the glasspc/QEMU ratio (lower is better), glasspc's guest instruction count (the
# icount of the ACPI "sleep" line of `-d device`) and the implied MIPS. Results also go to
# bench/results/linux-<date>.json.
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=3
work="$build/bench/linux"
guest="$build/guest"
marker="glasspc-bench: init reached"
mkdir -p "$work" "$root/bench/results"

GLASSPC_GUEST_INIT="$here/bench_init.sh" "$root/tools/make-guest.sh" "$guest" >&2
kernel="$guest/vmlinuz"
initrd="$guest/initramfs-bench_init.cpio.gz"
append="console=ttyS0 panic=-1"
common=(-m 256M -display none -serial stdio -no-reboot -kernel "$kernel" -initrd "$initrd")

# time_boot OUT CMD...: prints the wall time in seconds from start to exit of one boot, whose
# console goes to OUT; the guest must reach the marker and power off (exit status 0).
time_boot() {
  local out=$1 start end status=0
  shift
  start=$(date +%s.%N)
  timeout 900 "$@" -append "$append" </dev/null >"$out" 2>&1 || status=$?
  end=$(date +%s.%N)
  if [ "$status" -ne 0 ] || ! grep -q "^$marker" "$out"; then
    echo "bench: '$*' exited with $status; last console lines:" >&2
    tail -n 20 "$out" >&2
    exit 1
  fi
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }'
}
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

have_qemu=0
command -v qemu-system-x86_64 >/dev/null && have_qemu=1
g=(); q=(); icounts=()
for ((i = 0; i < runs; i++)); do
  log="$work/glasspc-$i.trace"
  rm -f "$log"
  g+=("$(time_boot "$work/glasspc-$i.out" "$build/glasspc" -pacing fast "${common[@]}" \
    -d device -D "$log")")
  # "[icount=5914110780 t=8828442.753000us] device acpi-pm sleep slp_typ=0x0"
  icount=$(sed -n 's/^\[icount=\([0-9]*\) .*acpi-pm sleep.*/\1/p' "$log" | tail -n 1)
  [ -n "$icount" ] || { echo "bench: no ACPI sleep line with an icount in $log" >&2; exit 1; }
  icounts+=("$icount")
  if [ "$have_qemu" = 1 ]; then
    q+=("$(time_boot "$work/qemu-$i.out" qemu-system-x86_64 -M pc -accel tcg -cpu max \
      "${common[@]}")")
  fi
done

gs=$(median "${g[@]}")
icount=$(median "${icounts[@]}")
mips=$(calc "$icount / $gs / 1000000")
qs=""; ratio="-"
if [ "$have_qemu" = 1 ]; then
  qs=$(median "${q[@]}")
  ratio=$(calc "$gs / $qs")
fi
release=$(cat "$guest/kernel-release")
printf '%-24s %12s %12s %8s %16s %8s\n' boot "glasspc (s)" "QEMU TCG (s)" ratio \
  "instructions" MIPS
printf '%-24s %12.3f %12s %8s %16s %8.1f\n' "Linux $release" "$gs" \
  "${qs:+$(printf '%.3f' "$qs")}" "$([ "$ratio" = - ] && echo - || printf '%.2f' "$ratio")" \
  "$icount" "$mips"
echo "(wall time from start to ACPI power-off, medians of $runs; glasspc instruction counts:" \
  "${icounts[*]})"
json="{\"machine\": \"$(uname -m) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo |
  cut -d: -f2 | sed 's/^ //')\", \"kernel\": \"$release\", \"glasspc_s\": $gs,"
json+=" \"qemu_s\": ${qs:-null}, \"glasspc_instructions\": $icount, \"glasspc_mips\": $mips,"
json+=" \"glasspc_runs_s\": [$(IFS=,; echo "${g[*]}")],"
json+=" \"qemu_runs_s\": [$(IFS=,; echo "${q[*]}")]}"
out="$root/bench/results/linux-$(date -u +%Y%m%dT%H%M%SZ).json"
echo "$json" >"$out"
echo "(results in ${out#$root/})"
