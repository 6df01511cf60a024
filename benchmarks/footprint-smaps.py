#!/usr/bin/env python3
"""Where a process's RSS goes, from /proc/PID/smaps (used by agent-footprint.sh).

    footprint-smaps.py PID

Groups every mapping's Rss: the program's own text and its data, each shared library (text and data together),
the heap, thread stacks (anonymous mappings right above a guard page), other anonymous memory, and the rest.
"""
import collections
import os
import sys

pid = sys.argv[1]
exe = os.path.realpath(f"/proc/{pid}/exe")
groups = collections.OrderedDict()
previous_guard = False
with open(f"/proc/{pid}/smaps") as f:
    lines = f.read().splitlines()
mapping = None
for line in lines:
    parts = line.split()
    if "-" in parts[0] and len(parts) >= 5 and ":" not in parts[0]:
        perms = parts[1]
        path = parts[5] if len(parts) > 5 else ""
        if path == exe:
            name = "program text" if "x" in perms else "program data (rodata, relro, data, bss)"
        elif path.startswith("/"):
            name = os.path.basename(path).split(".so")[0] + ".so"
        elif path == "[heap]":
            name = "heap (brk)"
        elif path == "[stack]":
            name = "main thread stack"
        elif path == "" and previous_guard and perms.startswith("rw"):
            name = "thread stacks"
        elif path == "":
            name = "anonymous (malloc arenas, Swift metadata)"
        else:
            name = path
        previous_guard = perms == "---p" and path == ""
        mapping = name
    elif parts[0] == "Rss:" and mapping:
        groups[mapping] = groups.get(mapping, 0) + int(parts[1])
total = sum(groups.values())
for name, kb in sorted(groups.items(), key=lambda item: -item[1]):
    if kb:
        print(f"  {kb:6d} kB  {name}")
print(f"  {total:6d} kB  total")
