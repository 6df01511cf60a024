#!/usr/bin/env python3
"""Measures processes over one window, from /proc (used by agent-footprint.sh; loopback-only benchmark helper).

    footprint-sample.py SECONDS NAME=PID [NAME=PID ...]

Prints one line per process: CPU share over the window (utime + stime of every thread, those that ended included,
from /proc/PID/stat), wake-ups per second (voluntary context switches summed over /proc/PID/task/*/status; the
task list is read every 0.25 s so a thread that lives shorter than the window still counts), RSS now and threads.
"""
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of the whole line)


def switches(pid):
    counts = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        counts[tid] = int(line.split()[1])
        except OSError:
            pass  # the thread ended between the listing and the read
    return counts


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main():
    seconds = float(sys.argv[1])
    procs = [arg.split("=", 1) for arg in sys.argv[2:]]
    first = {pid: switches(pid) for _, pid in procs}
    last = {pid: dict(counts) for pid, counts in first.items()}
    start_ticks = {pid: ticks(pid) for _, pid in procs}
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        time.sleep(0.25)
        for _, pid in procs:
            last[pid].update(switches(pid))
    elapsed = time.monotonic() - start
    for name, pid in procs:
        cpu = 100 * (ticks(pid) - start_ticks[pid]) / HZ / elapsed
        woken = sum(count - first[pid].get(tid, 0) for tid, count in last[pid].items())
        print(
            f"{name}: cpu {cpu:.3f} % wakeups {woken / elapsed:.2f}/s ({woken} in {elapsed:.1f} s) "
            f"rss {status(pid, 'VmRSS')} kB threads {status(pid, 'Threads')}"
        )


main()
