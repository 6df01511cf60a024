"""What must hold after every cut, read from copies of what survived it (never from a running process's files).

- The agent: the records its outbox kept (CRC-framed, as in Sources/ColdTraceAgent/Outbox/OutboxRecord.swift) are
  samples it persisted; each must end up stored with the same content, and no number may ever come back with other
  content.
- The collector: `PRAGMA integrity_check` is ok; every `seq` it ever acknowledged is stored; what it stored of the
  agent's persisted samples has their content; nothing is quarantined; `coldtrace journal verify` passes; the
  notification rows that survived are still there at the end, delivered.
"""

import fcntl
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import zlib


def outbox_records(directory):
    """(sensor, seq) -> (ts_ms, temp_c) for every intact record of the outbox's segments."""
    records = {}
    for name in sorted(os.listdir(directory)):
        if not (name.startswith("seg-") and name.endswith(".log")):
            continue
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
        offset = 0
        while offset + 8 <= len(data):
            length, crc = struct.unpack_from("<II", data, offset)
            body = data[offset + 8:offset + 8 + length]
            # A zero length (a preallocated segment's zeros) is never a record: the CRC-32 of no bytes is 0.
            if length < 21 or length > 4096 or len(body) < length or zlib.crc32(body) != crc:
                break
            offset += 8 + length
            sensor, at = _string(body, 0)
            _room, at = _string(body, at)
            seq, ts_ms, flags = struct.unpack_from("<qqB", body, at)
            temp = struct.unpack_from("<d", body, at + 17)[0] if flags & 1 else None
            records[(sensor, seq)] = (ts_ms, temp)
    return records


def _string(body, at):
    (length,) = struct.unpack_from("<H", body, at)
    return body[at + 2:at + 2 + length].decode(), at + 2 + length


def snapshot(files, into):
    """Copies what is on disk now (after a cut, only what was synced) to a directory outside LazyFS."""
    shutil.rmtree(into, ignore_errors=True)
    os.makedirs(into)
    for path in files:
        if os.path.exists(path):
            shutil.copy2(path, into)
    return into


class Ledger:
    """Everything the run learnt that later states must agree with."""

    def __init__(self):
        self.persisted = {}  # (sensor, seq) -> (ts_ms, temp_c): found in the agent's outbox after a cut
        self.notifications = {}  # notification id -> (event_id, line): found in the database after a cut
        self.problems = []

    def fail(self, cut, text):
        self.problems.append(f"{cut}: {text}")

    def add_outbox(self, cut, records):
        for key, value in records.items():
            old = self.persisted.setdefault(key, value)
            if old != value:
                self.fail(cut, f"{key[0]} seq {key[1]} persisted as {old}, now {value}: a number reused")


def check_database(cut, db_dir, database_name, ledger, acknowledged, coldtrace, journal=None, final=False,
                   durable=True):
    """Checks a copy of the collector's database (and journal); returns (readings, alert events, notifications).
    `durable`: the copy was taken after a power cut (not a mere kill), so its notification rows must last."""
    connection = sqlite3.connect(os.path.join(db_dir, database_name))
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            ledger.fail(cut, f"integrity_check: {integrity}")
        stored = {}
        for sensor, seq, ts_ms, temp_mc in connection.execute(
                "SELECT s.sensor, r.seq, r.ts_ms, r.temp_mc FROM readings r JOIN sources s ON s.id = r.source_id"):
            stored[(sensor, seq)] = (ts_ms, None if temp_mc is None else temp_mc / 1000)
        for sensor, watermark in acknowledged.items():
            missing = [seq for seq in range(1, watermark + 1) if (sensor, seq) not in stored]
            if missing:
                ledger.fail(cut, f"{sensor}: acknowledged up to {watermark} but {len(missing)} not stored "
                                 f"(first {missing[:5]})")
        for key, (ts_ms, temp) in ledger.persisted.items():
            got = stored.get(key)
            if got is None:
                if final:
                    ledger.fail(cut, f"{key[0]} seq {key[1]} was persisted by the agent and never stored")
            elif got[0] != ts_ms or (temp is not None and abs(got[1] - temp) > 0.0015):
                ledger.fail(cut, f"{key[0]} seq {key[1]} stored as {got}, the agent persisted {(ts_ms, temp)}")
        if final:
            for sensor in {key[0] for key in stored}:
                seqs = sorted(seq for (s, seq) in stored if s == sensor)
                if seqs != list(range(1, len(seqs) + 1)):
                    ledger.fail(cut, f"{sensor}: stored seqs are not 1..{len(seqs)} without a gap")
        for reason, count in connection.execute("SELECT reason, count(*) FROM quarantine GROUP BY reason"):
            ledger.fail(cut, f"{count} readings quarantined ({reason})")
        events = connection.execute(
            "SELECT count(*) FROM alert_events WHERE alert_id IS NOT NULL").fetchone()[0]
        rows = connection.execute("SELECT id, event_id, line, state FROM notifications").fetchall()
        _check_notifications(cut, rows, connection, ledger, final, durable)
    finally:
        connection.close()
    if journal is not None and os.path.exists(journal):
        verify_journal(cut, journal, coldtrace, ledger)
    return len(stored), events, len(rows)


def last_event_id(db_path):
    connection = sqlite3.connect(db_path)
    try:
        return connection.execute("SELECT coalesce(max(id), 0) FROM alert_events").fetchone()[0]
    finally:
        connection.close()


def verify_journal(cut, journal, coldtrace, ledger, at_least=None):
    """`coldtrace journal verify` passes; with `at_least`, the journal holds every line up to that event id."""
    verify = subprocess.run([coldtrace, "journal", "verify", journal], capture_output=True, text=True)
    if verify.returncode != 0:
        ledger.fail(cut, f"journal verify: {(verify.stdout + verify.stderr).strip()}")
    if at_least:
        ids = []
        with open(journal, "rb") as f:  # a line torn inside a multi-byte character is not valid UTF-8
            for line in f:
                try:
                    ids.append(json.loads(line).get("event_id", 0))
                except ValueError:
                    pass  # a line torn by a cut; `journal verify` judged it
        if (ids[-1] if ids else 0) < at_least:
            ledger.fail(cut, f"the journal ends at event {ids[-1] if ids else 0}, the database holds {at_least}")


def copy_locked(path, into):
    """Copies a file another process appends to under `flock` (as the alert journal's writers do)."""
    with open(path, "rb") as source:
        fcntl.flock(source, fcntl.LOCK_EX)
        try:
            with open(into, "wb") as target:
                shutil.copyfileobj(source, target)
        finally:
            fcntl.flock(source, fcntl.LOCK_UN)
    return into


def _check_notifications(cut, rows, connection, ledger, final, durable):
    by_id = {row[0]: row for row in rows}
    for nid, (event_id, line) in ledger.notifications.items():
        row = by_id.get(nid)
        if row is None or row[1] != event_id or row[2] != line:
            ledger.fail(cut, f"notification {nid} (event {event_id}) survived an earlier cut and is now gone")
    for nid, event_id, line, _state in rows if durable else ():
        ledger.notifications.setdefault(nid, (event_id, line))
    if not final:
        return
    events = {row[0] for row in connection.execute("SELECT id FROM alert_events WHERE alert_id IS NOT NULL")}
    queued = {row[1] for row in rows}
    if events - queued:
        ledger.fail(cut, f"{len(events - queued)} alert events have no notification row")
    for nid, event_id, _line, state in rows:
        if state not in ("delivered", "superseded"):
            ledger.fail(cut, f"notification {nid} (event {event_id}) is {state} at the end")


def check_deliveries(cut, db_path, delivery_log, ledger):
    """Every row the database calls delivered was given to the channel's program (its line is in the log)."""
    try:
        with open(delivery_log, errors="replace") as f:
            delivered_lines = {line.rstrip("\n") for line in f if not line.startswith("ids ")}
    except FileNotFoundError:
        delivered_lines = set()
    connection = sqlite3.connect(db_path)
    try:
        rows = connection.execute("SELECT id, line FROM notifications WHERE state = 'delivered'").fetchall()
    finally:
        connection.close()
    for nid, line in rows:
        if line not in delivered_lines:
            ledger.fail(cut, f"notification {nid} is marked delivered but its program never got it")
    return len(rows)
