#!/usr/bin/env bash
# `make run`: boots the default guest, the stock Debian kernel with a busybox initramfs
# (tools/make-guest.sh), with its serial console on this terminal.
#   run-default-guest.sh BUILD_DIR [extra glasspc options...]
# Type `poweroff -f` in the guest to power off through ACPI (glasspc exits with status 0), or
# Ctrl-A x to quit. Piped input works too: printf 'echo hi\npoweroff -f\n' | make run
set -euo pipefail
build=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
guest="$build/guest"
"$root/tools/make-guest.sh" "$guest"
exec "$build/glasspc" -m 256M -nographic \
  -kernel "$guest/vmlinuz" -initrd "$guest/initramfs.cpio.gz" \
  -append "console=ttyS0 quiet" "$@"
