# Sourced by scripts/install-test.sh: the Debian 12 box (a systemd-nspawn container booted with its own systemd),
# running commands in it, and the pass/fail record.
# shellcheck shell=bash

# make_base: a minimal Debian 12 with systemd, sudo and git, and what swift.org lists for its toolchain on Debian 12
# (the toolchain itself is bound in from the host), made once and kept in the cache.
make_base() {
  local packages=(
    systemd systemd-sysv dbus sudo git ca-certificates iproute2 procps less
    binutils libc6-dev libgcc-12-dev libstdc++-12-dev libcurl4 libxml2 libedit2 libncurses6 libsqlite3-0 zlib1g-dev
    pkg-config tzdata
  )
  if [ -d "$base" ]; then echo "install-test: base root $base (cached)"; return; fi
  echo "install-test: debootstrap Debian 12 into $base"
  rm -rf "$base.tmp"
  debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" bookworm "$base.tmp" \
    http://deb.debian.org/debian > "$cache/debootstrap.log" 2>&1 || {
    tail -20 "$cache/debootstrap.log" >&2
    exit 1
  }
  mv "$base.tmp" "$base"
}

# fresh_root: this run's box, a copy of the base with an operator who may sudo and has the toolchain in PATH the way
# swift.org's instructions put it there (a profile line), and broker.example naming the box itself.
fresh_root() {
  rm -rf "$root"
  cp -a "$base" "$root"
  chroot "$root" useradd --create-home --shell /bin/bash --groups sudo --uid 1000 lan
  echo 'lan ALL=(ALL:ALL) NOPASSWD: ALL' > "$root/etc/sudoers.d/lan"
  echo "export PATH=\$PATH:$toolchain/usr/bin" > "$root/etc/profile.d/swift.sh"
  echo coldbox > "$root/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 coldbox broker.example\n::1 localhost\n' > "$root/etc/hosts"
  # The repository under test is cloned from a bare copy owned by root on the host; the host's git mirrors (a
  # url.<local directory>.insteadOf in its /etc/gitconfig, as in a sandbox without GitHub) serve the packages.
  printf '[safe]\n\tdirectory = *\n' > "$root/etc/gitconfig"
  mirrors=()
  local key url directory
  while read -r key url; do
    directory=${key#url.}
    directory=${directory%.insteadof}
    [ -d "$directory" ] || continue
    git config --file "$root/etc/gitconfig" --add "url.$directory.insteadOf" "$url"
    [[ " ${mirrors[*]} " == *" $directory "* ]] || mirrors+=("$directory")
  done < <(git config --system --get-regexp '^url\..*\.insteadof$' || true)
  mkdir -p "$root/srv/coldtrace.git" "$root$toolchain" "$cache/apt-archives" "$cache/operator-cache"
  chown 1000:1000 "$cache/operator-cache"
}

# boot: starts the box; returns once its systemd says the system is up. PID 1 of this sandbox is not systemd, so the
# container is not registered with machined and stays in the caller's cgroup.
boot() {
  systemd-nspawn --quiet --directory="$root" --boot --register=no --keep-unit --machine=coldbox \
    --console=passive --bind-ro="$toolchain" --bind-ro="$cache/src.git:/srv/coldtrace.git" \
    --bind="$cache/apt-archives:/var/cache/apt/archives" --bind="$cache/operator-cache:/home/lan/.cache" \
    "${mirrors[@]/#/--bind-ro=}" >> "$cache/console.log" 2>&1 &
  nspawn=$!
  leader=""
  # The container's PID 1, a child of systemd-nspawn once it has exec'd systemd.
  for _ in $(seq 1 300); do
    leader=$(ps --ppid "$nspawn" -o pid=,comm= | awk '$2 == "systemd" { print $1; exit }' || true)
    [ -n "$leader" ] && break
    sleep 0.1
  done
  [ -n "$leader" ] || { echo "install-test: systemd-nspawn did not start (see $cache/console.log)" >&2; exit 1; }
  local state=""
  for _ in $(seq 1 120); do
    state=$(nsenter -t "$leader" -a systemctl is-system-running 2> /dev/null || true)
    case "$state" in running | degraded) break ;; esac
    sleep 1
  done
  echo "install-test: booted (pid $leader): $state"
}

# reboot_box: `systemctl reboot` in the box; systemd-nspawn exits with 133 and is started again, as a host would.
reboot_box() {
  in_box systemctl reboot || true
  local status=0
  wait "$nspawn" || status=$?
  [ $status -eq 133 ] || echo "install-test: systemd-nspawn exited $status on reboot (expected 133)"
  boot
}

poweroff_box() {
  [ -n "${nspawn:-}" ] && kill -0 "$nspawn" 2> /dev/null || return 0
  [ -z "$leader" ] || in_box systemctl poweroff > /dev/null 2>&1 || true
  if ! timeout 60 tail --pid="$nspawn" -f /dev/null; then
    kill "$nspawn" 2> /dev/null || true # a second SIGTERM makes systemd-nspawn stop the container at once
    sleep 1
    kill "$nspawn" 2> /dev/null || true
  fi
  wait "$nspawn" 2> /dev/null || true
}

# in_box CMD...: as root in the box.
in_box() { nsenter -t "$leader" -a -- "$@"; }
# as_operator SCRIPT: a login shell of the operator (a new login: new group memberships apply).
as_operator() { in_box runuser -l lan -c "$1"; }

# wait_for SECONDS SHELL-CONDITION: polls a condition run as root in the box.
wait_for() {
  local deadline=$(($(date +%s) + $1))
  until in_box bash -c "$2" > /dev/null 2>&1; do
    [ "$(date +%s)" -lt $deadline ] || return 1
    sleep 2
  done
}

# result NAME STATUS DETAIL: one line of the summary.
results=()
failures=0
result() {
  results+=("$(printf '%-4s %-44s %s' "$2" "$1" "$3")")
  echo "install-test: $2 $1: $3"
  [ "$2" != FAIL ] || failures=$((failures + 1))
}
