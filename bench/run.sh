#!/usr/bin/env bash
# `make bench`: every benchmark, each side by side with QEMU TCG where that makes sense.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/cpu/run.sh" "$1"
"$here/linux/run.sh" "$1"
