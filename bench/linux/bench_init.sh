#!/bin/busybox sh
# /init of the Linux boot benchmark guest: print a marker and power off at once, so the wall
# time to power-off measures the kernel's boot alone (bench/linux/run.sh).
echo "glasspc-bench: init reached"
/bin/busybox poweroff -f
