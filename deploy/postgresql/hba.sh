#!/usr/bin/env bash
# Prints a pg_hba.conf with ColdTrace's lines for DATABASE and its OWNER role, for deploy/install.sh --database:
#
#   hba.sh FILE DATABASE OWNER > new-pg_hba.conf
#
# The lines go before the file's first rule (PostgreSQL takes the first line that matches), between two marker
# comments; lines of an earlier run between the markers are replaced, so running it on its own output changes
# nothing. Everything else in FILE is kept as it is. Bad input: exit 2.
set -euo pipefail
[ $# -eq 3 ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
file=$1 database=$2 owner=$3
[ -r "$file" ] || { echo "hba: cannot read $file" >&2; exit 2; }
for name in "$database" "$owner"; do
  [[ $name =~ ^[a-z_][a-z0-9_]{0,62}$ ]] \
    || { echo "hba: \"$name\" is not a plain lower-case PostgreSQL name" >&2; exit 2; }
done

# The collector's system user logs in as the owner over the unix socket with no password (peer: the kernel says who
# connects); other roles, cooperatives' among them, with a password on loopback.
block="# ColdTrace (deploy/install.sh --database writes the lines up to the end marker again on every run; add yours
# below it). A cooperative or a collector on another machine gets a line of its own, with TLS and a password:
#   hostssl $database coop_hongxuan 203.0.113.7/32 scram-sha-256
local   $database  $owner  peer
host    $database  all  127.0.0.1/32  scram-sha-256
host    $database  all  ::1/128  scram-sha-256
# end of ColdTrace's lines"

BLOCK=$block awk '
  /^# ColdTrace \(deploy\/install\.sh --database/ { skipping = 1 }
  skipping { if ($0 == "# end of ColdTrace'"'"'s lines") skipping = 0; next }
  { lines[++count] = $0 }
  END {
    placed = 0
    for (i = 1; i <= count; i++) {
      if (!placed && lines[i] !~ /^[ \t]*(#|$)/) { print ENVIRON["BLOCK"]; placed = 1 }
      print lines[i]
    }
    if (!placed) print ENVIRON["BLOCK"]
  }
' "$file"
