#!/bin/busybox sh
# /init of the Linux boot test guest: checks what the kernel found and how it runs on glasspc,
# prints one "boot-check: PASS" or "boot-check: FAIL <reasons>" line, then leaves the machine.
# Kernel command line parameters it reads (the kernel passes unknown ones to init's environment):
#   glasspc_cpus=N      the CPU count /proc/cpuinfo must show
#   glasspc_irq=ioapic|pic
#                       which interrupt controller the timer and serial lines must count on
#   glasspc_timer=legacy|lapic
#                       legacy (default): the IRQ 0 timer line (HPET or PIT) must count on that
#                       controller; lapic: only the local APIC timer must count (with acpi=off
#                       Linux finds no HPET, and with the TSC-deadline timer and ARAT it needs
#                       no PIT, so IRQ 0 is never requested)
#   glasspc_exit=poweroff|reboot
#                       how to leave: ACPI S5 power-off, or a reset (acpi=off has no S5)
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

failures=""
fail() { failures="$failures; $*"; }

echo "boot-check: Linux $(uname -r), $(nproc) CPU(s)"

cpus=$(grep -c '^processor' /proc/cpuinfo)
[ "$cpus" = "${glasspc_cpus:-1}" ] || fail "cpuinfo shows $cpus CPUs, expected ${glasspc_cpus:-1}"

# A file with known contents: hashing it exercises the ALU, memory and the libc string paths.
seq 1 20000 >/tmp/numbers
sum=$(sha256sum /tmp/numbers | cut -d' ' -f1)
[ "$sum" = f6351f5ead9a700e34275480b3856ea738122a7c57bdeb744a631251c069587a ] ||
  fail "sha256sum gave $sum"

# The interrupt lines must be routed through the expected controller and counting.
case "${glasspc_irq:-ioapic}" in
  ioapic) chip='IO-APIC' ;;
  *) chip='XT-PIC' ;;
esac
line_count() { # line_count NAME: total count of the /proc/interrupts line ending in NAME
  grep "$chip.* $1\$" /proc/interrupts |
    awk '{ n = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i; else break; print n }'
}
if [ "${glasspc_timer:-legacy}" = legacy ]; then
  timer=$(line_count timer)
  [ -n "$timer" ] && [ "$timer" -gt 0 ] || fail "no $chip timer interrupts: $(grep timer /proc/interrupts)"
fi
serial=$(line_count ttyS0)
[ -n "$serial" ] && [ "$serial" -gt 0 ] || fail "no $chip ttyS0 interrupts: $(grep ttyS0 /proc/interrupts)"
if [ "${glasspc_irq:-ioapic}" = ioapic ]; then
  loc=$(awk '/^ *LOC:/ { n = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i; print n }' /proc/interrupts)
  [ -n "$loc" ] && [ "$loc" -gt 0 ] || fail "local APIC timer interrupts do not count"
fi

# Lines that mean the kernel did not like the platform.
bad=$(dmesg | grep -E 'WARNING|BUG|Oops|IRQ0 not connected|APIC calibration not consistent|clocksource .* unstable|ACPI Error')
[ -z "$bad" ] || fail "dmesg: $(echo "$bad" | head -n 5 | tr '\n' '|')"

if [ -z "$failures" ]; then
  echo "boot-check: PASS"
else
  echo "boot-check: FAIL${failures}"
  dmesg | tail -n 40
fi
if [ "${glasspc_exit:-poweroff}" = reboot ]; then
  reboot -f
else
  poweroff -f
fi
