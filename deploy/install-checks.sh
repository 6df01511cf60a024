# Sourced by deploy/install.sh: finding the toolchain, the checks made before anything is changed, and the helpers
# that install a file only when it differs (so a re-run knows what it replaced and restarts only that).
# shellcheck shell=bash

# find_swift: prints the swift driver to build with. sudo's secure_path drops the toolchain from PATH, so besides
# PATH (and --swift), it asks the login shell of the user who ran sudo, then looks where toolchains are unpacked.
find_swift() {
  local candidate home
  if [ -n "$swift" ]; then echo "$swift"; return; fi
  if candidate=$(command -v swift 2> /dev/null); then echo "$candidate"; return; fi
  if [ -n "$build_user" ] && [ "$build_user" != root ] && command -v runuser > /dev/null; then
    candidate=$(runuser -u "$build_user" -- bash -lc 'command -v swift' 2> /dev/null || true)
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return; fi
  fi
  home=$(getent passwd "$build_user" 2> /dev/null | cut -d: -f6 || true)
  for candidate in /opt/swift/usr/bin/swift /usr/share/swift/usr/bin/swift /usr/local/swift/usr/bin/swift \
    "${home:-/nonexistent}/.local/share/swiftly/bin/swift" /root/.local/share/swiftly/bin/swift; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  return 1
}

# check WHAT OK FIX: records one check for the report; a failed one stops a real run before it changes anything.
check() {
  if [ "$2" = ok ]; then
    printf '  ok       %s\n' "$1"
  else
    printf '  MISSING  %s: %s\n' "$1" "$3"
    failed_checks+=("$1")
  fi
}

# check_tool NAME FIX
check_tool() {
  if command -v "$1" > /dev/null 2>&1; then check "$1 ($(command -v "$1"))" ok ""; else check "$1" missing "$2"; fi
}

# preflight: every tool and condition the run needs, before any change. Tools that come from the packages this run
# installs (openssl, mosquitto_passwd) are not required beforehand.
preflight() {
  local tool
  failed_checks=()
  echo "install: checks"
  if [ "$(id -u)" -eq 0 ]; then check "running as root" ok ""; elif [ $dry_run -eq 0 ]; then
    check "running as root" missing "run it with sudo (a dry run needs no root)"
  fi
  for tool in apt-get dpkg-query install useradd usermod getent id cmp stat systemctl; do
    check_tool "$tool" "it is part of a standard Debian 12 system: is PATH (\`$PATH\`) complete?"
  done
  if [ -d /run/systemd/system ]; then check "systemd is running (/run/systemd/system)" ok ""; else
    check "systemd is running" missing "this system was not booted with systemd; the services cannot be started"
  fi
  if [ $build -eq 1 ]; then
    if swift=$(find_swift); then check "swift ($swift)" ok ""; else
      check swift missing "no Swift 6 toolchain in PATH, in $build_user's login PATH, in /opt/swift or swiftly's \
directory: install it (swift.org/install), or give --swift /path/to/usr/bin/swift, or build elsewhere and use \
--bin-dir DIR"
    fi
    check_tool strip "apt-get install binutils (the toolchain needs it too)"
    check_tool runuser "apt-get install util-linux"
  else
    for program in "${programs[@]}"; do
      if [ -x "$source_dir/$program" ]; then check "prebuilt $source_dir/$program" ok ""; else
        check "prebuilt $source_dir/$program" missing "build it first (or give --bin-dir DIR)"
      fi
    done
  fi
  if [ "$role" = site-broker ]; then
    # What the bridge needs from add-site.sh on the collector host, copied here.
    for file in "$certs/ca.crt" "$certs/$site.crt" "$certs/$site.key" "$password_file" \
      ${local_passwd:+"$local_passwd"}; do
      if [ -r "$file" ] && [ -s "$file" ]; then check "$file" ok ""; else
        check "$file" missing "copy it from the collector host (deploy/mosquitto/add-site.sh $site prints what goes where)"
      fi
    done
  fi
  if [ ${#failed_checks[@]} -gt 0 ]; then
    if [ $dry_run -eq 1 ]; then
      echo "install: a real run would stop here, before changing anything: ${failed_checks[*]}"
    else
      echo "install: stopping before changing anything: ${failed_checks[*]}" >&2
      exit 1
    fi
  fi
}

# run CMD...: runs a command, or prints it in a dry run.
run() {
  if [ $dry_run -eq 1 ]; then echo "would run: $*"; else echo "+ $*"; "$@"; fi
}

# put SRC DST MODE OWNER:GROUP [TAG]: installs a file unless DST already has the same content, mode and owner;
# when it replaces one, TAG (a service) is marked for a restart.
put() {
  local src=$1 dst=$2 mode=$3 owner=$4 tag=${5:-}
  if [ -f "$dst" ] && cmp -s "$src" "$dst" \
    && [ "$(stat -c '%a %U:%G' "$dst")" = "${mode#0} $owner" ]; then
    echo "unchanged $dst"
    return
  fi
  [ -z "$tag" ] || replaced["$tag"]+="$dst "
  run install -D -m "$mode" -o "${owner%:*}" -g "${owner#*:}" "$src" "$dst"
}

# keep_or_put SRC DST MODE OWNER:GROUP: installs a file only if DST does not exist (configs, secrets).
keep_or_put() {
  if [ -e "$2" ]; then echo "keep $2 (exists; not overwritten)"; else put "$@"; fi
}

# directory PATH MODE OWNER:GROUP
directory() {
  run install -d -m "$2" -o "${3%:*}" -g "${3#*:}" "$1"
}

# service_user NAME HOME [GROUPS]: a system user with no login and no home directory of its own.
service_user() {
  if id -u "$1" > /dev/null 2>&1; then
    echo "keep user $1 (exists)"
  else
    run useradd --system --user-group --home-dir "$2" --no-create-home --shell /usr/sbin/nologin "$1"
  fi
  if [ -n "${3:-}" ] && ! id -nG "$1" 2> /dev/null | tr ' ' '\n' | grep -qx "$3"; then
    run usermod --append --groups "$3" "$1"
  fi
}

# human BYTES: 1.2 MiB
human() {
  awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.0f KiB", b / 1024 }'
}

# restart NAME WHY: restarts a service whose files this run replaced, and says so.
restart() {
  run systemctl restart "$1"
  if [ $dry_run -eq 0 ]; then echo "install: restarted $1: $2"; fi
}
