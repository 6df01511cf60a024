#!/usr/bin/env bash
# PostgreSQL ingest and bytes per reading (issue 20; docs/postgresql.md), on a throw-away PostgreSQL 15 cluster with
# the server's durable defaults (fsync on, synchronous_commit on: every transaction waits for its WAL flush).
#   benchmarks/postgres-ingest.sh [readings] [probes] [batch]        (defaults 1000000, 1000, 512)
# 1. readings/s: `coldtrace-pg-tool ingest-bench` stores `readings` readings of `probes` probes (one a minute each,
#    from 2026-12-01) through the real group write (SlotWriter: the fence, the probes locked, one INSERT … SELECT
#    FROM unnest(…) ON CONFLICT DO NOTHING, highest_seq updated), `batch` readings per transaction.
# 2. bytes per reading of plain rows: pg_total_relation_size (heap, TOAST, primary key, BRIN, free-space and
#    visibility maps) of every month's partition after VACUUM, over the rows; the heap alone too.
#    Then the same after rebuilding the key (REINDEX), as a closed month could be once.
# 3. the compact closed-hour layout (one row per probe per hour: second offsets as int2[], milli-values as int4[],
#    the first seq and the steps only when they are not all 1), built from the same rows by SQL, and its bytes/reading.
# COLDTRACE_BENCH_BIN=.build/debug uses the debug build instead of a release build. Results also go to
# benchmarks/results/postgres-ingest.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
readings=${1:-1000000}
probes=${2:-1000}
batch=${3:-512}
source benchmarks/lib.sh
bench_setup coldtrace-pg-bench coldtrace-pg-tool
began=$(date +%s%N)
bench_start_postgres
mkdir -p benchmarks/results
{
  echo "PostgreSQL ingest, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cluster: initdb and start $(( ($(date +%s%N) - began) / 1000000 )) ms; $(sql 'SELECT version()' | cut -d' ' -f1-2);" \
    "fsync $(sql 'SHOW fsync'), synchronous_commit $(sql 'SHOW synchronous_commit')"
  "$bin/coldtrace-pg-tool" ingest-bench "$url" "$readings" "$batch" "$probes"
  sql "VACUUM readings" >/dev/null
  sql "
    SELECT format('plain rows: %s readings, %s B/reading (heap %s B/reading; primary key (source_id, seq, ts_ms) + BRIN(ts_ms))',
      count, round(total::numeric / count, 1), round(heap::numeric / count, 1))
    FROM (SELECT (SELECT count(*) FROM readings) AS count,
      (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('readings') WHERE isleaf) AS total,
      (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('readings') WHERE isleaf) AS heap) AS sizes"
  # A month that is closed can have its key rebuilt once (REINDEX … CONCURRENTLY): the live key is filled about half,
  # since every probe appends at its own place in it and a page split in the middle leaves two half pages.
  sql "REINDEX TABLE readings" >/dev/null
  sql "
    SELECT format('plain rows, key rebuilt: %s B/reading',
      round((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('readings') WHERE isleaf)::numeric
        / (SELECT count(*) FROM readings), 1))"
  sql "
    CREATE TABLE readings_hourly (
      source_id integer NOT NULL, hour_ms bigint NOT NULL, first_seq bigint NOT NULL, seq_steps int2[],
      second_offsets int2[] NOT NULL, temp_mc int4[], rh_mpct int4[], PRIMARY KEY (source_id, hour_ms));
    INSERT INTO readings_hourly
    SELECT source_id, hour_ms, min(seq),
      CASE WHEN max(seq) - min(seq) + 1 = count(*) THEN NULL ELSE array_agg((seq - min_seq)::int2 ORDER BY ts_ms) END,
      array_agg(((ts_ms - hour_ms) / 1000)::int2 ORDER BY ts_ms), array_agg(temp_mc ORDER BY ts_ms),
      array_agg(rh_mpct ORDER BY ts_ms)
    FROM (SELECT r.*, ts_ms - ts_ms % 3600000 AS hour_ms,
      min(seq) OVER (PARTITION BY source_id, ts_ms - ts_ms % 3600000) AS min_seq FROM readings r) AS hours
    GROUP BY source_id, hour_ms" >/dev/null
  sql "VACUUM readings_hourly"
  sql "
    SELECT format('compact closed hours: %s rows, %s B/reading (one row per probe-hour, arrays)',
      (SELECT count(*) FROM readings_hourly),
      round(pg_total_relation_size('readings_hourly')::numeric / (SELECT count(*) FROM readings), 1))"
} | tee benchmarks/results/postgres-ingest.txt
