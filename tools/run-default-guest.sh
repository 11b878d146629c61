#!/usr/bin/env bash
# `make run`: boots the default guest with its serial console on this terminal.
#   run-default-guest.sh BUILD_DIR [extra glasspc options...]
# Until glasspc boots Linux, the default guest is the bare-metal console demo in guests/.
set -euo pipefail
build=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
image="$build/guests/console_demo.bin"
mkdir -p "$build/guests"
if [ ! -f "$image" ] || [ "$root/guests/console_demo.asm" -nt "$image" ]; then
  nasm -f bin -I "$root/tests/guest/" -o "$image" "$root/guests/console_demo.asm"
fi
status=0
"$build/glasspc" -m 128M -nographic -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x4 \
  -kernel "$image" -append "console=ttyS0" "$@" || status=$?
# The demo powers off through isa-debug-exit with value 0, which glasspc reports as status 1.
[ "$status" -eq 1 ] && status=0
exit "$status"
