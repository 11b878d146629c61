#!/bin/busybox sh
# /init of the Linux benchmark guest (bench/linux/run.sh). Every "glasspc-bench:" line is a marker
# that the host timestamps as it arrives on the serial port: the first line of the init (boot),
# then one before and one after each workload, so the intervals between markers time the
# workloads on the host's clock (the guest's clock is not wall time under glasspc -pacing fast).
echo "glasspc-bench: init"
bb=/bin/busybox
# /dev/zero needs devtmpfs; the initramfs itself only holds /dev/console.
$bb mount -t devtmpfs devtmpfs /dev
# Keep late kernel messages (e.g. the TSC recalibration) off the console between the markers.
$bb dmesg -n 1
echo "glasspc-bench: sha begin"
$bb dd if=/dev/zero bs=1M count=32 2>/dev/null | $bb sha256sum
echo "glasspc-bench: awk begin"
$bb awk 'BEGIN{s=0;for(i=0;i<1000000;i++)s+=i%7;print s}'
echo "glasspc-bench: done"
$bb poweroff -f
