#!/usr/bin/env bash
# Boots the Debian kernel with the boot-check initramfs and checks its verdict:
#   run_linux_test.sh EMULATOR GUEST_DIR "EXTRA KERNEL ARGS" [emulator options...]
# EMULATOR is the glasspc binary, or "qemu" to run the same guest under qemu-system-x86_64 (TCG),
# which is how the test itself is validated. GUEST_DIR holds vmlinuz and
# initramfs-boot_check_init.cpio.gz (tools/make-guest.sh with GLASSPC_GUEST_INIT). Passes when the
# guest prints "boot-check: PASS" and the emulator then exits with status 0 (ACPI power-off, or a
# reset under -no-reboot).
set -uo pipefail
emulator=$1 guest=$2 extra=$3
shift 3
kernel="$guest/vmlinuz"
initrd="$guest/initramfs-boot_check_init.cpio.gz"
for f in "$kernel" "$initrd"; do
  [ -s "$f" ] || { echo "run_linux_test: missing $f (run tools/make-guest.sh)" >&2; exit 2; }
done
append="console=ttyS0 panic=-1 $extra"
if [ "$emulator" = qemu ]; then
  cmd=(qemu-system-x86_64 -M pc -accel tcg -cpu max -m 256M -display none -serial stdio -no-reboot)
else
  cmd=("$emulator" -m 256M -display none -serial stdio -no-reboot -pacing fast)
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout 900 "${cmd[@]}" -kernel "$kernel" -initrd "$initrd" -append "$append" "$@" \
  </dev/null >"$out" 2>&1
status=$?
if grep -q '^boot-check: PASS' "$out" && [ "$status" -eq 0 ]; then
  grep '^boot-check:' "$out"
  exit 0
fi
echo "--- guest output (exit status $status) ---"
tail -n 80 "$out"
exit 1
