#!/usr/bin/env bash
# Linux benchmark: the Debian kernel with a busybox initramfs whose /init is
# bench/linux/bench_init.sh, booted in glasspc and in QEMU TCG one after the other in the same run.
#   bench/linux/run.sh BUILD_DIR
# Both run with -m 512M -nographic -no-reboot (glasspc also with -pacing fast; QEMU as
# `qemu-system-x86_64 -accel tcg -M pc`), 3 times each, alternating. bench/linux/bench.py stamps
# the guest's serial marker lines with the host's clock and reports medians of: launch to the
# init's first line, a `dd if=/dev/zero bs=1M count=32 | sha256sum`, an awk loop of 1M iterations,
# and peak RSS, with glasspc/QEMU ratios; it fails when the guest's sha256 or awk output differs
# from the host's. Results also go to bench/results/linux-<date>.json.
# QEMU is a bench-only dependency: installed here with apt-get when missing.
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$build/bench/linux"
guest="$build/guest"
mkdir -p "$work" "$root/bench/results"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "bench: need root (or sudo) to run: $*" >&2; exit 1
  fi
}
if ! command -v qemu-system-x86_64 >/dev/null; then
  echo "bench: installing qemu-system-x86 (a bench-only dependency)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    qemu-system-x86 >&2
fi

GLASSPC_GUEST_INIT="$here/bench_init.sh" "$root/tools/make-guest.sh" "$guest" >&2

exec python3 "$here/bench.py" --root "$root" --work "$work" --glasspc "$build/glasspc" \
  --kernel "$guest/vmlinuz" --initrd "$guest/initramfs-bench_init.cpio.gz" \
  --release "$(cat "$guest/kernel-release")" --runs "${GLASSPC_BENCH_RUNS:-3}"
