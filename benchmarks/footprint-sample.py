#!/usr/bin/env python3
"""Measures processes over one window, from /proc (used by agent-footprint.sh; loopback-only benchmark helper).

    footprint-sample.py SECONDS NAME=PID [NAME=PID ...]

Prints one line per process: CPU share over the window, twice: `cpu` from utime + stime of every thread, those that
ended included (/proc/PID/stat, in 10 ms ticks: 0.017 % a tick over 60 s), and `cpu_ns` from the nanoseconds each
thread ran (/proc/PID/task/*/schedstat, exact); wake-ups per second (voluntary context switches summed over
/proc/PID/task/*/status). The task list is read every 0.25 s, so a thread that ends within the window still counts
up to its last reading. Then RSS now and threads.
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
    """{tid: (voluntary context switches, nanoseconds on CPU)} of every live thread."""
    counts = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                voluntary = next(int(l.split()[1]) for l in f if l.startswith("voluntary_ctxt_switches"))
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                counts[tid] = (voluntary, int(f.read().split()[0]))
        except (OSError, StopIteration):
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
        woken = sum(count[0] - first[pid].get(tid, (0, 0))[0] for tid, count in last[pid].items())
        ran = sum(count[1] - first[pid].get(tid, (0, 0))[1] for tid, count in last[pid].items())
        print(
            f"{name}: cpu {cpu:.3f} % cpu_ns {100 * ran / 1e9 / elapsed:.4f} % "
            f"wakeups {woken / elapsed:.2f}/s ({woken} in {elapsed:.1f} s) "
            f"rss {status(pid, 'VmRSS')} kB threads {status(pid, 'Threads')}"
        )


main()
