#!/usr/bin/env bash
# A query benchmark database: 10 million readings and 100,000 alerts, as a small facility keeps them for a year.
#   benchmarks/generate-query-db.sh <db-path> [readings-per-probe]
# Shape: one site (bench), 5 rooms × 4 probes (probe-01..20, the 4th of each room also reads RH), one reading per
# minute per probe up to now: 500,000 minutes (347 days) × 20 probes = 10,000,000 readings, inserted in time order
# (minute by minute across probes, as the collector receives them). 100,000 alerts spread over the same time (the
# last 20 still open), each with its `opened` and `resolved` events. Lot `bench-lot` (litchi) sat in bench/room-01
# for the last 30 days (4 probes read every minute): the `coldtrace report` lot.
# The database is created by the real code first (`coldtrace lot add` runs every migration), then filled with SQL in
# one transaction with the sqlite3 CLI. Needs a release `coldtrace` (set COLDTRACE, else the release bin path).
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:?usage: generate-query-db.sh <db-path> [readings-per-probe]}
minutes=${2:-500000}
probes=20
alerts=100000
coldtrace=${COLDTRACE:-$(swift build -c release --show-bin-path)/coldtrace}
rm -f "$db" "$db-wal" "$db-shm"
now_ms=$(date +%s%3N)
start_ms=$((now_ms - minutes * 60000))
lot_from=$(date -u -d "@$(((now_ms / 1000) - 30 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
lot_to=$(date -u -d "@$((now_ms / 1000))" +%Y-%m-%dT%H:%M:%SZ)
COLDTRACE_DB="$db" "$coldtrace" lot add bench-lot --product litchi --room bench/room-01 --at "$lot_from" >/dev/null
COLDTRACE_DB="$db" "$coldtrace" lot close bench-lot --at "$lot_to" >/dev/null

sqlite3 "$db" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
BEGIN;
WITH RECURSIVE p(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < $probes)
INSERT INTO sources (id, site, sensor, room, agent, acked_seq)
SELECT i, 'bench', printf('probe-%02d', i), printf('room-%02d', (i - 1) / 4 + 1), 'bench-edge', $minutes FROM p;

-- Minute-major: the order readings arrive in. Probe clocks are a few ms apart. Values in the stored milli units
-- (temperature 2.5–4.5 °C to 0.01, humidity 89–95 % to 0.1).
WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < $minutes - 1)
INSERT INTO readings (source_id, ts_ms, seq, temp_mc, rh_mpct, error)
SELECT s.id, $start_ms + m.i * 60000 + s.id * 7, m.i + 1,
  3500 + (random() % 100) * 10,
  CASE WHEN s.id % 4 = 0 THEN 92000 + (random() % 30) * 100 END,
  NULL
FROM m CROSS JOIN sources s;

-- Alerts in opening order, round robin over probes; resolved 5–60 min later, a third acknowledged.
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < $alerts),
spec AS (
  SELECT i AS id, ((i - 1) % $probes) + 1 AS source_id,
    CASE i % 10 WHEN 0 THEN 'temp_low' WHEN 1 THEN 'rh_low' WHEN 2 THEN 'offline' ELSE 'temp_high' END AS kind,
    CASE WHEN i % 7 = 0 THEN 'critical' ELSE 'warning' END AS severity,
    $start_ms + (i - 1) * ($minutes * 60000 / $alerts) AS opened_ms,
    (5 + abs(random() % 55)) * 60000 AS lasted_ms,
    i > $alerts - $probes AS still_open
  FROM a)
INSERT INTO alerts (id, kind, severity, state, site, room, sensor, product, lots, opened_ms, resolved_ms, acked_ms,
  acked_by, note, limit_value, peak, message)
SELECT spec.id, kind, severity,
  CASE WHEN still_open THEN 'open' ELSE 'resolved' END,
  s.site, s.room, s.sensor, 'litchi',
  CASE WHEN s.room = 'room-01' AND opened_ms >= $now_ms - 30 * 86400000 THEN '["bench-lot"]' ELSE '[]' END,
  opened_ms,
  CASE WHEN still_open THEN NULL ELSE opened_ms + lasted_ms END,
  CASE WHEN spec.id % 3 = 0 THEN opened_ms + 120000 END,
  CASE WHEN spec.id % 3 = 0 THEN 'lan' END,
  CASE WHEN spec.id % 3 = 0 THEN 'door closed, fruit checked' END,
  5, 6.4,
  'temperature 6.4 °C above 5 °C for 15 min (litchi, ' || severity || ')'
FROM spec JOIN sources s ON s.id = spec.source_id;

INSERT INTO alert_events (alert_id, event, at_ms, line)
SELECT id, 'opened', opened_ms,
  printf('{"prev":"%064d","event":"opened","event_id":%d,"id":%d,"kind":"%s","severity":"%s","state":"open",'
    || '"site":"%s","room":"%s","sensor":"%s","lots":%s,"product":"litchi","message":"%s","unacknowledged":true}',
    0, id * 2 - 1, id, kind, severity, site, room, sensor, lots, message)
FROM alerts ORDER BY id;
INSERT INTO alert_events (alert_id, event, at_ms, line)
SELECT id, 'resolved', resolved_ms,
  printf('{"prev":"%064d","event":"resolved","event_id":%d,"id":%d,"kind":"%s","severity":"%s","state":"resolved",'
    || '"site":"%s","room":"%s","sensor":"%s","lots":%s,"product":"litchi","message":"%s","unacknowledged":true}',
    0, id * 2, id, kind, severity, site, room, sensor, lots, message)
FROM alerts WHERE resolved_ms IS NOT NULL ORDER BY resolved_ms;
COMMIT;
PRAGMA journal_mode = WAL;
SQL
echo "generated $db: $(sqlite3 "$db" 'SELECT COUNT(*) FROM readings') readings," \
  "$(sqlite3 "$db" 'SELECT COUNT(*) FROM alerts') alerts, $(stat -c %s "$db") bytes"
