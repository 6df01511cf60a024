"""The processes of the power-cut suite: a broker (not on LazyFS), the collector with its database, journal and
notification outbox on the collector host's LazyFS, and an agent with its state directory on the edge box's LazyFS.

The agent reads two probes through a program (`probe.sh`) that reports 3.x °C, except during one second in every
six when it reports 20.5 °C: the jump opens a `sensor_fault` warning and the next plausible reading resolves it, so
the collector raises, journals and notifies events all through the run. The notification channel's program
(`notify.sh`) appends what it is given to a file outside LazyFS: the deliveries that really happened.
"""

import json
import os
import signal
import socket
import subprocess
import threading
import time

SITE, AGENT, ROOM = "hongxuan", "hx-edge-1", "cold2"
SENSORS = ("cold2-air", "cold2-door")

PROBE = """#!/bin/sh
s=$(date +%s)
if [ $((s % 6)) -eq 0 ]; then echo '{"temp_c":20.5}'; else echo "{\\"temp_c\\":3.$((s % 10))$1}"; fi
"""

NOTIFY = """#!/bin/sh
# Appends the run's notification ids and lines to the delivery log (outside LazyFS).
{ flock 9; printf 'ids %s\\n' "$COLDTRACE_NOTIFICATION_IDS"; cat; } 9>>"$0.lock" >>"$0.log"
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Rig:
    def __init__(self, repo, work, edge, host, bin_dir):
        self.repo, self.work, self.edge, self.host = repo, work, edge, host
        self.coldtrace = f"{bin_dir}/coldtrace"
        self.agent_bin = f"{bin_dir}/coldtrace-agent"
        self.port = free_port()
        self.broker = self.collector = self.agent = self.listener = None
        self.collector_runs = self.agent_runs = 0
        self.acked = {}  # sensor -> highest watermark the collector ever acknowledged
        self.ack_lock = threading.Lock()
        self.probe = self._script("probe.sh", PROBE)
        self.notify = self._script("notify.sh", NOTIFY)
        self.delivery_log = self.notify + ".log"
        self.collector_config = f"{work}/collector.toml"
        with open(self.collector_config, "w") as f:
            f.write("offline_after_minutes = 600\nagent_offline_after_minutes = 600\n"
                    f'[[notify]]\nname = "log"\ncommand = ["{self.notify}"]\ngroup_seconds = 0.2\n')
        self.agent_config = f"{work}/agent.toml"
        with open(self.agent_config, "w") as f:
            f.write(f'site = "{SITE}"\nagent = "{AGENT}"\nbroker = "mqtt://127.0.0.1:{self.port}"\n'
                    f'state_dir = "{edge}/state"\ninterval_seconds = 0.1\nreconnect_max_seconds = 1\n'
                    "[outbox]\nack_timeout_seconds = 2\nsegment_kb = 1\n")
            for digit, sensor in enumerate(SENSORS):
                f.write(f'[[sensor]]\nid = "{sensor}"\nroom = "{ROOM}"\ndriver = "command"\n'
                        f'command = ["{self.probe}", "{digit}"]\n')

    def _script(self, name, text):
        path = f"{self.work}/{name}"
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
        return path

    @property
    def database(self):
        return f"{self.host}/coldtrace.db"

    @property
    def journal(self):
        return f"{self.host}/coldtrace.alerts.jsonl"

    @property
    def outbox(self):
        return f"{self.edge}/state/outbox"

    def _spawn(self, name, arguments):
        log = open(f"{self.work}/{name}.log", "ab")
        return subprocess.Popen(arguments, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def start_broker(self):
        config = f"{self.work}/mosquitto.conf"
        with open(config, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
                    f"persistence false\nlog_dest file {self.work}/mosquitto.log\n"
                    + ("user root\n" if os.getuid() == 0 else ""))
        self.broker = self._spawn("mosquitto.out", ["mosquitto", "-c", config])
        wait_until(lambda: _listening(self.port), 10, "mosquitto did not listen")
        self.listener = subprocess.Popen(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.port), "-q", "1", "-t",
             f"coldtrace/v1/ack/{SITE}/{AGENT}"], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            bufsize=1)
        threading.Thread(target=self._read_acks, daemon=True).start()

    def _read_acks(self):
        for line in self.listener.stdout:
            try:
                sensors = json.loads(line).get("sensors", {})
            except ValueError:
                continue
            with self.ack_lock:
                for sensor, seq in sensors.items():
                    self.acked[sensor] = max(self.acked.get(sensor, 0), seq)

    def acknowledged(self):
        with self.ack_lock:
            return dict(self.acked)

    def start_collector(self):
        self.collector_runs += 1
        name = f"collector-{self.collector_runs}"
        self.collector = self._spawn(name, [
            self.coldtrace, "collect", "--db", self.database, "--journal", self.journal, "--broker",
            f"mqtt://127.0.0.1:{self.port}", "--config", self.collector_config])
        log = f"{self.work}/{name}.log"
        wait_until(lambda: "subscribed to coldtrace/v1/reading" in _read(log) or self.collector.poll() is not None,
                   30, f"the collector did not subscribe; see {log}")
        if self.collector.poll() is not None:
            raise RuntimeError(f"the collector exited with {self.collector.returncode}; see {log}")

    def start_agent(self, extra=()):
        self.agent_runs += 1
        self.agent = self._spawn(f"agent-{self.agent_runs}", [self.agent_bin, "run", "--config", self.agent_config,
                                                              *extra])

    def kill(self, which):
        process = getattr(self, which)
        if process is not None and process.poll() is None:
            process.kill()
        if process is not None:
            process.wait()
        setattr(self, which, None)

    def stop(self, which, timeout=30):
        process = getattr(self, which)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        setattr(self, which, None)

    def shutdown(self):
        for which in ("agent", "collector", "listener", "broker"):
            self.stop(which, timeout=10)


def _listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_until(condition, timeout, message):
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            raise RuntimeError(message)
        time.sleep(0.05)
