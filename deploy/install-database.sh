# Sourced by deploy/install.sh --database: PostgreSQL 15 for ColdTrace on this host, in Debian's cluster 15/main
# (docs/postgresql.md, "Installing the database"): the durable settings as a conf.d file, ColdTrace's lines in
# pg_hba.conf, the owner role and its database (deploy/postgresql/owner.sql), then the schema (`coldtrace database
# setup`, as the collector's system user, which logs in as the owner over the unix socket with no password).
# shellcheck shell=bash

pg_version=15 pg_cluster=main pg_database=coldtrace pg_owner=coldtrace
pg_etc=/etc/postgresql/$pg_version/$pg_cluster
pg_unit=postgresql@$pg_version-$pg_cluster.service
pg_socket=/run/postgresql

# The collector's system user: peer authentication maps it to the owner role of the same name.
service_user coldtrace /var/lib/coldtrace
# Debian's package makes the cluster 15/main when it is installed; one dropped since is made again.
if [ -d "$pg_etc" ]; then echo "keep cluster $pg_version/$pg_cluster ($pg_etc)"; else
  run pg_createcluster "$pg_version" "$pg_cluster"
fi
pg_port=$(pg_lsclusters --no-header 2> /dev/null \
  | awk -v v=$pg_version -v c=$pg_cluster '$1 == v && $2 == c { print $3 }')
pg_port=${pg_port:-5432}

# Settings: wal_level and max_wal_senders take effect only at a restart; pg_hba.conf at a reload.
put "$repo/deploy/postgresql/coldtrace.conf" "$pg_etc/conf.d/coldtrace.conf" 0644 postgres:postgres postgresql
if [ -r "$pg_etc/pg_hba.conf" ]; then
  "$repo/deploy/postgresql/hba.sh" "$pg_etc/pg_hba.conf" "$pg_database" "$pg_owner" > "$stage/pg_hba.conf"
  put "$stage/pg_hba.conf" "$pg_etc/pg_hba.conf" 0640 postgres:postgres pg_hba
else
  echo "would write $pg_etc/pg_hba.conf with ColdTrace's lines first (deploy/postgresql/hba.sh)"
fi
if [ -n "${replaced[postgresql]:-}" ] || ! systemctl is-active --quiet "$pg_unit" 2> /dev/null; then
  restart "$pg_unit" "${replaced[postgresql]:+replaced ${replaced[postgresql]}}"
elif [ -n "${replaced[pg_hba]:-}" ]; then
  run systemctl reload "$pg_unit"
else
  echo "install: PostgreSQL keeps running: none of its files changed"
fi
systemctl is-enabled --quiet postgresql.service 2> /dev/null || run systemctl enable postgresql.service
[ $dry_run -eq 1 ] || runuser -u postgres -- pg_isready -q -h "$pg_socket" -p "$pg_port" -t 30

# The owner role and the database, as the cluster's superuser; the SQL comes on standard input (the postgres user may
# not be able to read this checkout).
as_superuser=(runuser -u postgres -- psql -X -q -h "$pg_socket" -p "$pg_port" -d postgres
  -v "owner=$pg_owner" -v "database=$pg_database" -f -)
if [ $dry_run -eq 1 ]; then
  echo "would run: ${as_superuser[*]} < $repo/deploy/postgresql/owner.sql"
else
  echo "+ ${as_superuser[*]} < $repo/deploy/postgresql/owner.sql"
  "${as_superuser[@]}" < "$repo/deploy/postgresql/owner.sql"
fi

# The schema, applied by the owner (the owner of the tables writes every site; cooperatives see theirs only).
pg_url="postgres:///$pg_database?host=$pg_socket"
[ "$pg_port" = 5432 ] || pg_url+="&port=$pg_port"
run runuser -u coldtrace -- /usr/local/bin/coldtrace database setup --db "$pg_url"

# The collector runs the `coldtrace` this run may have replaced.
if [ -n "${replaced[coldtrace-collector]:-}" ] && systemctl is-active --quiet coldtrace-collector.service 2> /dev/null
then
  restart coldtrace-collector.service "replaced ${replaced[coldtrace-collector]}"
fi
if [ $dry_run -eq 1 ]; then
  echo "install: the database's URL: $pg_url"
else
  echo "install: /usr/local/bin/coldtrace $(/usr/local/bin/coldtrace --version)"
  echo "install: database ready: $pg_url"
  echo "  as the coldtrace system user (peer login as the owner, no password):"
  echo "    sudo -u coldtrace coldtrace database status --db '$pg_url'"
  echo "  a cooperative: sudo -u postgres createuser --pwprompt coop_NAME, then"
  echo "    sudo -u coldtrace coldtrace access grant coop_NAME --site SITE --db '$pg_url'"
  echo "  backups, a standby and zero loss: docs/postgresql.md"
fi
