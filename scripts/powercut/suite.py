"""The power-cut suite (scripts/powercut-suite.sh runs it): an agent and a collector on two LazyFS mounts, killed and
power-cut over and over while readings flow and alerts are raised and notified, checked after every cut.

    python3 scripts/powercut/suite.py --lazyfs DIR --bin .build/debug [--cuts 20] [--seed N] [--results FILE]

Each component gets `--cuts` random cuts at random moments, each a plain SIGKILL, a power cut (SIGKILL, then every
unsynced byte of its filesystem dropped) or a power cut after a partial writeback (some of the unsynced appends reach
the disk anyway, perhaps ending mid-record), and one cut at each dangerous point, made by LazyFS
itself dying at that exact operation (FAULTS below). Exit status 0 when every check held, 1 otherwise.
"""

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checks  # noqa: E402
from lazyfs import LazyFS  # noqa: E402
from rig import Rig, wait_until  # noqa: E402

# The dangerous points: (component, name, LazyFS crash fault (timing, op, from_rgx, to_rgx)). LazyFS (a47a5ba) matches
# a rename by its destination only when a source pattern is given too, so the rename faults name both.
FAULTS = [
    ("agent", "after a segment's fdatasync", ("after", "fsync", "seg-", None)),
    ("agent", "before a segment's fdatasync", ("before", "fsync", "seg-", None)),
    ("agent", "before the ack file's rename", ("before", "rename", "acknowledged", "acknowledged\\.state$")),
    ("agent", "after the ack file's rename", ("after", "rename", "acknowledged", "acknowledged\\.state$")),
    ("collector", "after the WAL's fdatasync (before the acks go)", ("after", "fsync", "coldtrace\\.db-wal$", None)),
    ("collector", "mid-checkpoint (first page written)", ("after", "write", "coldtrace\\.db$", None)),
    ("collector", "mid-checkpoint (before the database fsync)", ("before", "fsync", "coldtrace\\.db$", None)),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lazyfs", required=True, help="the LazyFS build directory (build.sh DIR)")
    parser.add_argument("--bin", required=True, help="the directory holding coldtrace and coldtrace-agent")
    parser.add_argument("--cuts", type=int, default=20, help="random cuts per component")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--results", help="append the table to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    options = parser.parse_args()
    # No "-o" anywhere in the path: LazyFS (its main.cpp) takes a --config-path value holding "-o" (any case) for a
    # mount option and falls back to config/default.toml; a random suffix starting with "o" once failed the suite.
    work = tempfile.mkdtemp(prefix="coldtrace_powercut_")
    if "-o" in work.lower():
        sys.exit(f"powercut: the work directory {work} holds '-o', which LazyFS misreads: set TMPDIR elsewhere")
    print(f"powercut: seed {options.seed}, {options.cuts} random cuts per component, work directory {work}",
          flush=True)
    run = Run(options, work)
    try:
        run.execute()
    finally:
        run.teardown()
    run.report()
    if not options.keep and not run.ledger.problems:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    return 1 if run.ledger.problems else 0


class Run:
    def __init__(self, options, work):
        self.options, self.work = options, work
        self.random = random.Random(options.seed)
        self.edge = LazyFS(options.lazyfs, f"{work}/edge.root", f"{work}/edge", "edge box")
        self.host = LazyFS(options.lazyfs, f"{work}/host.root", f"{work}/host", "collector host")
        self.rig = Rig(os.getcwd(), work, self.edge.mount, self.host.mount, os.path.abspath(options.bin))
        self.ledger = checks.Ledger()
        self.rows = []
        self.started = time.time()

    def plan(self):
        kinds = ("kill", "power cut", "power cut, some writes back")
        cuts = [(component, self.random.choice(kinds), None)
                for component in ("agent", "collector") for _ in range(self.options.cuts)]
        self.random.shuffle(cuts)
        for fault in FAULTS:
            cuts.insert(self.random.randrange(4, len(cuts) + 1), fault)
        return cuts

    def execute(self):
        self.edge.start()
        self.host.start()
        self.rig.start_broker()
        self.rig.start_collector()
        self.rig.start_agent()
        time.sleep(2)
        for number, (component, kind, fault) in enumerate(self.plan(), 1):
            self.cut(number, component, kind, fault)
        self.finish()

    def cut(self, number, component, kind, fault):
        fs = self.edge if component == "agent" else self.host
        how = kind
        if fault is None:
            time.sleep(self.random.uniform(0.2, 2.0))
        else:
            fs.arm_crash(*fault)
            how = self.wait_for_crash(component, fs, fault)
        self.rig.kill(component)
        if fault is not None and fs.crashed():
            fs.remount()
        elif kind == "power cut, some writes back":
            self.power_cut_with_writeback(fs)
        elif fault is not None or kind == "power cut":
            fs.power_cut()
            if fault is not None:
                fs.remount()  # disarms the fault that never fired
        time.sleep(0.3)  # acknowledgements already on their way reach the listener
        label = f"cut {number} ({component}, {how})"
        before = len(self.ledger.problems)
        if component == "agent":
            records = checks.outbox_records(checks.snapshot(
                [f"{self.rig.outbox}/{name}" for name in os.listdir(self.rig.outbox)], f"{self.work}/outbox-copy"))
            self.ledger.add_outbox(label, records)
            detail = f"outbox holds {len(records)} samples"
            self.rig.start_agent()
        else:
            copy = checks.snapshot([self.rig.database, self.rig.database + "-wal", self.rig.journal],
                                   f"{self.work}/db-copy")
            stored, events, rows = checks.check_database(
                label, copy, "coldtrace.db", self.ledger, self.rig.acknowledged(), self.rig.coldtrace,
                journal=f"{copy}/coldtrace.alerts.jsonl", durable=kind != "kill")
            detail = f"{stored} readings, {events} alert events, {rows} notifications"
            set_aside = len([n for n in os.listdir(self.host.mount) if ".ahead-" in n])
            self.rig.start_collector()
            if len([n for n in os.listdir(self.host.mount) if ".ahead-" in n]) > set_aside:
                detail += "; the journal was ahead of the database: set aside and written again"
            # The restarted collector has caught its journal up with the database: every durable line is in it.
            checks.verify_journal(label, checks.copy_locked(self.rig.journal, f"{self.work}/journal-copy"),
                                  self.rig.coldtrace, self.ledger, checks.last_event_id(f"{copy}/coldtrace.db"))
        verdict = "ok" if len(self.ledger.problems) == before else "FAILED"
        self.rows.append((number, component, how, round(time.time() - self.started), detail, verdict))
        print(f"powercut: {label}: {detail}: {verdict}", flush=True)

    def power_cut_with_writeback(self, fs):
        """A power cut after the kernel wrote back part of the unsynced data: each file that was only appended to since
        its last fsync (segments, the journal, the write-ahead log), at its end or into the zeros of a preallocated
        outbox segment, keeps all or a random prefix of what was appended, which may end mid-record or mid-line. Files
        rewritten in place keep only what was synced."""
        visible = _read_tree(fs.mount)
        fs.power_cut()
        durable = _read_tree(fs.mount)
        fs.stop()
        for name, data in visible.items():
            synced = durable.get(name, b"")
            # What was appended starts after the synced bytes, without the zeros a preallocated segment ends with.
            start = len(synced.rstrip(b"\0"))
            if len(data) >= len(synced) and data[:start] == synced[:start] and data != synced:
                appended = len(data.rstrip(b"\0")) - start
                # Half the files were written back whole (the journal ahead of the database, say), half in part.
                whole = self.random.random() < 0.5
                keep = self.random.randint(0, appended)
                kept = data if whole else data[:start + keep] + synced[start + keep:]
                with open(os.path.join(fs.root, name), "wb") as f:
                    f.write(kept)
        fs.start()

    def wait_for_crash(self, component, fs, fault):
        """Waits for LazyFS to die at the armed point; a checkpoint that does not come by itself is asked for."""
        deadline, asked = time.time() + 20, False
        while not fs.crashed() and time.time() < deadline:
            if "checkpoint" in str(fault) and not asked and time.time() > deadline - 14:
                asked = True
                try:
                    with sqlite3.connect(self.rig.database, timeout=5) as db:
                        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    pass  # LazyFS died under the checkpoint: the point reached
            time.sleep(0.02)
        name = next(n for c, n, f in FAULTS if f == fault)
        if not fs.crashed():
            self.ledger.fail(f"{component} {name}", "the point was not reached within 20 s")
            return f"{name}: NOT REACHED, power cut instead"
        return name + (" (checkpoint asked for)" if asked else "")

    def finish(self):
        """Stops cutting: the agent takes one more round and drains, the notifications go out, then the last checks."""
        self.rig.stop("agent")
        self.ledger.add_outbox("final", checks.outbox_records(checks.snapshot(
            [f"{self.rig.outbox}/{name}" for name in os.listdir(self.rig.outbox)], f"{self.work}/outbox-copy")))
        self.rig.start_agent(["--samples", "1", "--drain-seconds", "60"])
        status = self.rig.agent.wait(timeout=90)
        if status != 0:
            self.ledger.fail("final", f"the agent did not drain its outbox (exit {status})")
        self.rig.agent = None

        def notified():
            try:
                with sqlite3.connect(self.rig.database, timeout=5) as db:
                    return db.execute("SELECT count(*) FROM notifications WHERE state = 'pending'").fetchone()[0] == 0
            except sqlite3.Error:
                return False
        try:
            wait_until(notified, 60, "notifications still pending after 60 s")
        except RuntimeError as error:
            self.ledger.fail("final", str(error))
        self.rig.stop("collector")
        self.host.power_cut()  # a clean stop leaves nothing unsynced behind
        copy = checks.snapshot([self.rig.database, self.rig.database + "-wal", self.rig.journal], f"{self.work}/db-copy")
        stored, events, rows = checks.check_database(
            "final", copy, "coldtrace.db", self.ledger, self.rig.acknowledged(), self.rig.coldtrace,
            journal=f"{copy}/coldtrace.alerts.jsonl", final=True)
        delivered = checks.check_deliveries("final", f"{copy}/coldtrace.db", self.rig.delivery_log, self.ledger)
        acked = self.rig.acknowledged()
        self.final = (f"{stored} readings stored (acknowledged: "
                      + ", ".join(f"{s} {n}" for s, n in sorted(acked.items()))
                      + f"), {len(self.ledger.persisted)} samples seen persisted in the outbox, {events} alert events, "
                      f"{rows} notifications ({delivered} delivered)")
        if not acked:
            self.ledger.fail("final", "the collector acknowledged nothing")

    def teardown(self):
        self.rig.shutdown()
        self.edge.stop()
        self.host.stop()

    def report(self):
        elapsed = round(time.time() - self.started)
        cuts = {c: sum(1 for r in self.rows if r[1] == c) for c in ("agent", "collector")}
        lines = [f"Power-cut suite, {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, {os.cpu_count()} cores; "
                 f"seed {self.options.seed}; {elapsed} s; cuts: agent {cuts['agent']}, collector {cuts['collector']}",
                 "", "| # | component | cut | s | after the cut | checks |", "|---|---|---|---|---|---|"]
        lines += [f"| {' | '.join(str(field) for field in row)} |" for row in self.rows]
        lines += ["", f"End: {getattr(self, 'final', 'not reached')}"]
        lines += [f"PROBLEM {problem}" for problem in self.ledger.problems] or ["All checks held."]
        text = "\n".join(lines)
        print(text)
        if self.options.results:
            with open(self.options.results, "a") as f:
                f.write(text + "\n")


def _read_tree(top):
    """Relative path -> content of every regular file under `top`."""
    files = {}
    for directory, _, names in os.walk(top):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, top)] = f.read()
    return files


if __name__ == "__main__":
    sys.exit(main())
