"""One site flooding at full speed (site-fairness.sh's flood): an agent of SITE announces its probes and a durable
outbox in its retained status (as coldtrace-agent does, so the collector group-commits its readings), then publishes
numbered single-sample QoS 1 readings round-robin over SENSORS probes as fast as the broker takes them, for SECONDS,
over raw MQTT 3.1.1 (no client library: Python builds packets faster than it would drive one). PUBACKs are read on a
second thread; at most WINDOW messages wait for theirs, so the rate is the broker's own.

    python3 benchmarks/site-fairness-flood.py PORT SITE SENSORS SECONDS [WINDOW] [TAG]

TAG names the agent and its probes (`<site>-edge-<tag>`, `flood-<tag>-NNN`), so several flooders can run at once.

Prints one line: published, acknowledged, start and end of the flood (Unix µs), and its rate (messages/s).
"""
import json
import socket
import struct
import sys
import threading
import time

from lib import packet, text


port, site, sensors, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
window = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
tag = sys.argv[6] if len(sys.argv) > 6 else "1"
agent = f"{site}-edge-{tag}"
connection = socket.create_connection(("127.0.0.1", port))
connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
connection.sendall(packet(0x10, text("MQTT") + bytes([4, 2]) + struct.pack("!H", 60) + text(agent)))
assert connection.recv(4)[:1] == b"\x20", "no CONNACK"
names = [f"flood-{tag}-{index:03d}" for index in range(sensors)]
status = json.dumps({"state": "online", "agent": agent, "version": "bench",
                     "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                     "outbox": {"pending": 0, "dropped": 0}, "probes": {name: "hall" for name in names}})
# Retained, QoS 1 (packet id 1): the collector registers the probes and learns of the outbox before the flood.
connection.sendall(packet(0x33, text(f"coldtrace/v1/status/{site}/{agent}") + struct.pack("!H", 1) + status.encode()))
time.sleep(1)

acknowledged = 0
lock = threading.Condition()
done = False


def read_acks():
    global acknowledged
    received = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            return
        received += chunk
        count = 0
        while len(received) >= 4 and received[0] == 0x40:
            received, count = received[4:], count + 1
        with lock:
            acknowledged += count
            lock.notify()
            if done and acknowledged >= published:
                return


published = 1  # the status
reader = threading.Thread(target=read_acks, daemon=True)
reader.start()
topics = [text(f"coldtrace/v1/reading/{site}/hall/{name}") for name in names]
# Event time: one millisecond per sample of a probe, from an hour ago, so nothing runs ahead of the clock.
base_ms = int(time.time() * 1000) - 3_600_000
seq = 0
started = time.time()
end = started + seconds
while time.time() < end:
    pending = bytearray()
    for _ in range(max(1, 500 // sensors)):
        seq += 1
        for index, topic in enumerate(topics):
            payload = b'{"v":1,"agent":"%s","seq":%d,"ts":%d.%03d,"temp_c":3.4}' % (
                agent.encode(), seq, (base_ms + seq) // 1000, (base_ms + seq) % 1000)
            pending += packet(0x32, topic + struct.pack("!H", (published % 65535) + 1) + payload)
            published += 1
    connection.sendall(pending)
    with lock:
        while published - acknowledged > window:
            lock.wait(1)
finished = time.time()
with lock:
    done = True
    while acknowledged < published:
        if not lock.wait(30):
            break
# The rate while flooding: at most WINDOW of what was published then was still waiting for its PUBACK.
print(f"published {published - 1} acknowledged {acknowledged - 1} start_us {int(started * 1e6)}"
      f" end_us {int(finished * 1e6)} rate {(published - 1) / (finished - started):.0f}")
