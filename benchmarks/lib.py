"""Shared by the benchmarks' Python parts (imported, not run), as lib.sh is by their shell parts.

A script in benchmarks/ run as `python3 benchmarks/x.py` imports it directly (`from lib import packet`); an inline
program (`python3 - <<'PY'`, run from the repository's root as every script is) first puts benchmarks/ on the path:

    sys.path.insert(0, "benchmarks")
    from lib import drain

- packet(kind, body), text(value): raw MQTT 3.1.1 packets, for publishers faster than a client library would be.
- drain(command, db, log, expected, progress_sql, result_sql): starts a collector on a backlog and times it.
- publish_times(path): when `coldtrace-sim load --publish-log` published each reading.
- journal_key(event): the key of publish_times that a journal line's alert stands for.
"""
import datetime
import sqlite3
import struct
import subprocess
import time


def packet(kind, body):
    """One MQTT packet: the fixed header (`kind`, the remaining length) and `body`."""
    length, header = len(body), bytearray([kind])
    while True:
        digit, length = length % 128, length // 128
        header.append(digit | (0x80 if length else 0))
        if not length:
            return bytes(header) + body


def text(value):
    """An MQTT UTF-8 string: two bytes of length, then the bytes."""
    encoded = value.encode()
    return struct.pack("!H", len(encoded)) + encoded


def drain(command, db, log, expected, progress_sql, result_sql=None, timeout=300):
    """Starts `command` (a `coldtrace collect` that drains a backlog into `db`, its error output to `log`) and polls
    `progress_sql` every 5 ms on one connection (a query costs ~50 µs, not a process start) until it reaches
    `expected` or `timeout` seconds pass, then stops the collector.

    Returns (stored, rate from the collector's start, rate from its first progress): stored is `result_sql`'s count
    (read before the collector stops) or else the last progress.
    """
    t0 = time.monotonic()
    collector = subprocess.Popen(command, stderr=open(log, "w"))
    connection = sqlite3.connect(db, timeout=5)

    def progress():
        try:
            return connection.execute(progress_sql).fetchone()[0]
        except sqlite3.OperationalError:  # the collector has not made its tables yet
            return 0

    first, count = None, 0
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        count = progress()
        now = time.monotonic()
        if count > 0 and first is None:
            first = (now, count)
        if count >= expected:
            break
        time.sleep(0.005)
    t1 = time.monotonic()
    stored = connection.execute(result_sql).fetchone()[0] if result_sql else count
    collector.terminate()
    collector.wait()
    steady = (stored - first[1]) / (t1 - first[0]) if first and t1 > first[0] else 0
    return stored, round(stored / (t1 - t0)), round(steady)


def publish_times(path):
    """{(site, sensor, ts in ms): Unix µs when it was published} from a `--publish-log` file."""
    sent = {}
    for line in open(path):
        topic, seq, ts, us = line.split()
        parts = topic.split("/")
        sent[(parts[3], parts[5], int(ts))] = int(us)
    return sent


def journal_key(event):
    """(site, sensor, ts in ms) of the reading that caused a journal line (its `at`), a key of publish_times."""
    at = datetime.datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
    return (event["site"], event["sensor"], int(at.timestamp() * 1000 + 0.5))
