#!/usr/bin/env python3
"""Host side of the Linux benchmark (called by bench/linux/run.sh, which builds the guest).

    bench.py --root ROOT --work DIR --kernel VMLINUZ --initrd INITRD --release RELEASE
             --glasspc GLASSPC [--runs 3]

Boots the guest alternately in glasspc and in QEMU TCG, RUNS times each, with the same options
(-m 512M -nographic -no-reboot; glasspc also -pacing fast). Each boot's console is read from a
pipe as it arrives and every line is stamped with the host's monotonic clock, measured from just
before the launch. bench_init.sh prints the markers
    glasspc-bench: init          (its first line)
    glasspc-bench: sha begin     dd if=/dev/zero bs=1M count=32 | sha256sum
    glasspc-bench: awk begin     awk 'BEGIN{s=0;for(i=0;i<1000000;i++)s+=i%7;print s}'
    glasspc-bench: done
so boot = launch to "init", sha = "sha begin" to "awk begin", awk = "awk begin" to "done".
Peak RSS is the emulator process's ru_maxrss from wait4 (the figure /usr/bin/time -v reports).
The sha256 line must equal the host's hash of 32 MiB of zeros and the awk line the host awk's
output, in every run, or the bench fails. Prints a table of medians with glasspc/QEMU ratios and
writes bench/results/linux-<UTC date>.json.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import select
import signal
import statistics
import subprocess
import sys
import time

AWK_PROGRAM = "BEGIN{s=0;for(i=0;i<1000000;i++)s+=i%7;print s}"
MARKERS = ("init", "sha begin", "awk begin", "done")
GUEST_RAM_MIB = 512
TARGET_RATIO = 3.0
RSS_SLACK_MIB = 64
TIMEOUT_S = 1800
# What a workload's result line looks like (sha256sum of stdin, an integer).
RESULT_SHAPE = {"sha": re.compile(r"^[0-9a-f]{64}  -$"), "awk": re.compile(r"^-?[0-9]+$")}


class BenchError(Exception):
    pass


def stamped_run(command, console_path):
    """Runs COMMAND; returns (exit status, ru_maxrss KiB, [(seconds, line), ...])."""
    start = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    fd = proc.stdout.fileno()
    stamped = []
    pending = b""
    timed_out = False
    with open(console_path, "wb") as console:
        while True:
            left = TIMEOUT_S - (time.monotonic() - start)
            if left <= 0:
                timed_out = True
                proc.send_signal(signal.SIGKILL)
                break
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            now = time.monotonic() - start
            if not chunk:
                break
            console.write(chunk)
            pending += chunk
            *complete, pending = pending.split(b"\n")
            stamped.extend((now, raw.decode("utf-8", "replace").strip("\r")) for raw in complete)
    _, wait_status, usage = os.wait4(proc.pid, 0)  # ru_maxrss is in KiB on Linux
    proc.stdout.close()
    status = "timed out" if timed_out else os.waitstatus_to_exitcode(wait_status)
    return status, usage.ru_maxrss, stamped


def measure(name, command, console_path, expected):
    status, rss_kib, stamped = stamped_run(command, console_path)
    where = f"{name} ({console_path})"
    if status != 0:
        raise BenchError(f"{where}: exit status {status}")
    at = {}
    results = {}
    current = None  # the workload whose output comes next ("sha" or "awk")
    for when, text in stamped:
        if text.startswith("glasspc-bench: "):
            marker = text[len("glasspc-bench: "):]
            if marker in MARKERS and marker not in at:
                at[marker] = when
            current = marker.split()[0] if marker.endswith(" begin") else None
        elif current and current not in results and RESULT_SHAPE[current].match(text.strip()):
            # The first line of the right shape: a kernel message may still come in between.
            results[current] = text.strip()
    missing = [m for m in MARKERS if m not in at]
    if missing:
        raise BenchError(f"{where}: no marker(s) {missing} on the console")
    if [at[m] for m in MARKERS] != sorted(at[m] for m in MARKERS):
        raise BenchError(f"{where}: markers out of order")
    for key in ("sha", "awk"):
        if results.get(key) != expected[key]:
            raise BenchError(f"{where}: {key} printed {results.get(key)!r}, expected "
                             f"{expected[key]!r}")
    return {"boot_s": at["init"], "sha_s": at["awk begin"] - at["sha begin"],
            "awk_s": at["done"] - at["awk begin"], "peak_rss_mib": rss_kib / 1024}


def machine_description():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{platform.machine()}, {os.cpu_count()} cores, {model}, load average " \
           f"{os.getloadavg()[0]:.2f} at start"


def qemu_version():
    out = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True, text=True)
    return out.stdout.splitlines()[0] if out.stdout else "unknown"


def main():
    parser = argparse.ArgumentParser()
    for option in ("root", "work", "kernel", "initrd", "release", "glasspc"):
        parser.add_argument("--" + option, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    expected = {
        "sha": hashlib.sha256(bytes(32 << 20)).hexdigest() + "  -",
        "awk": subprocess.run(["awk", AWK_PROGRAM], capture_output=True, text=True,
                              check=True).stdout.strip(),
    }
    guest = ["-m", f"{GUEST_RAM_MIB}M", "-nographic", "-no-reboot", "-kernel", args.kernel,
             "-initrd", args.initrd, "-append", "console=ttyS0 panic=-1"]
    emulators = {
        "glasspc": [args.glasspc, "-pacing", "fast"] + guest,
        "qemu": ["qemu-system-x86_64", "-accel", "tcg", "-M", "pc"] + guest,
    }
    machine = machine_description()
    runs = {name: [] for name in emulators}
    for run in range(args.runs):
        for name, command in emulators.items():
            console = os.path.join(args.work, f"{name}-{run}.out")
            result = measure(name, command, console, expected)
            runs[name].append(result)
            print(f"bench: {name} run {run + 1}/{args.runs}: " +
                  ", ".join(f"{k} {v:.3f}" for k, v in result.items()), file=sys.stderr)

    metrics = ("boot_s", "sha_s", "awk_s", "peak_rss_mib")
    med = {name: {m: statistics.median(r[m] for r in runs[name]) for m in metrics}
           for name in emulators}
    ratio = {m: med["glasspc"][m] / med["qemu"][m] for m in metrics}
    rss_limit = GUEST_RAM_MIB + RSS_SLACK_MIB
    labels = {"boot_s": "boot to init (s)", "sha_s": "dd 32M | sha256sum (s)",
              "awk_s": "awk 1M-iteration loop (s)", "peak_rss_mib": "peak RSS (MiB)"}
    print(f"Linux {args.release}, -m {GUEST_RAM_MIB}M, medians of {args.runs} runs")
    print(f"{'':28} {'glasspc':>10} {'QEMU TCG':>10} {'ratio':>7}  target")
    for m in metrics:
        if m == "peak_rss_mib":
            target = f"glasspc <= {rss_limit} MiB: " + \
                     ("met" if med["glasspc"][m] <= rss_limit else "MISSED")
        else:
            target = f"<= {TARGET_RATIO}: " + ("met" if ratio[m] <= TARGET_RATIO else "MISSED")
        print(f"{labels[m]:28} {med['glasspc'][m]:10.3f} {med['qemu'][m]:10.3f} "
              f"{ratio[m]:7.2f}  {target}")

    result = {
        "machine": machine, "qemu": qemu_version(), "kernel": args.release,
        "guest_ram_mib": GUEST_RAM_MIB, "runs": args.runs,
        "expected": expected,
        "median": med, "ratio": ratio,
        "targets": {"ratio_max": TARGET_RATIO, "glasspc_peak_rss_mib_max": rss_limit},
        "met": {**{m: ratio[m] <= TARGET_RATIO for m in ("boot_s", "sha_s", "awk_s")},
                "peak_rss_mib": med["glasspc"]["peak_rss_mib"] <= rss_limit},
        "all_runs": runs,
    }
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = os.path.join(args.root, "bench", "results", f"linux-{stamp}.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"(results in {os.path.relpath(out, args.root)})")


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(1)
