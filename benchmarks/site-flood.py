"""One reading from each of COUNT invented sensor ids of one site, over raw MQTT 3.1.1 at QoS 1 (a Zigbee2MQTT bridge
with a counter in its topic): site-flood.sh's publisher, without a client library.

    python3 benchmarks/site-flood.py PORT SITE COUNT
"""
import socket
import struct
import sys
import time

from lib import packet, text


port, site, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
connection = socket.create_connection(("127.0.0.1", port))
connection.sendall(packet(0x10, text("MQTT") + bytes([4, 2]) + struct.pack("!H", 60) + text(f"flood-{time.time_ns()}")))
connection.recv(4)
payload = ('{"v":1,"ts":%d,"temp_c":3.4}' % (int(time.time()) - 60)).encode()
pending = bytearray()
for index in range(count):
    topic = text(f"coldtrace/v1/reading/{site}/bridge/zb-{index}")
    pending += packet(0x32, topic + struct.pack("!H", index % 65535 + 1) + payload)
    if len(pending) > 65536:
        connection.sendall(pending)
        pending.clear()
connection.sendall(pending)
connection.settimeout(300)
acknowledged, received = 0, b""
while acknowledged < count:
    received += connection.recv(65536)
    while len(received) >= 4 and received[0] == 0x40:
        received, acknowledged = received[4:], acknowledged + 1
print(f"published {count}, acknowledged {acknowledged}")
