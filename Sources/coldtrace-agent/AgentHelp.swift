/// The help texts of `coldtrace-agent`, word for word as ArgumentParser printed them before the agent dropped it
/// (ArgumentParser links FoundationEssentials; see `AgentCommandLine`).
enum AgentHelp {
  /// `coldtrace-agent`, `--help`, `help`.
  static let root = """
    OVERVIEW: ColdTrace edge agent: reads a facility's probes and publishes every
    reading to the broker.

    Example:
      coldtrace-agent run --config /etc/coldtrace/agent.toml
      coldtrace-agent check-config --config agent.toml
      coldtrace-agent probe

    USAGE: coldtrace-agent <subcommand>

    OPTIONS:
      --version               Show the version.
      -h, --help              Show help information.

    SUBCOMMANDS:
      run                     Sample the configured sensors and publish readings
                              until SIGTERM or SIGINT.
      check-config            Validate an agent configuration; exit 2 with the
                              first problem found.
      probe                   List the 1-wire, IIO and hwmon sensors on this box as
                              [[sensor]] tables, with their current values (with
                              --config: the configured inputs' states).

      See 'coldtrace-agent help <subcommand>' for detailed help.
    """

  /// `run --help`, `help run`.
  static let run = """
    OVERVIEW: Sample the configured sensors and publish readings until SIGTERM or
    SIGINT.

    Example: coldtrace-agent run --config agent.toml --broker
    mqtt://hongxuan:secret@broker.local

    USAGE: coldtrace-agent run --config <path> [--broker <mqtt://[user[:password]@]host[:port]>] \
    [--samples <samples>] [--drain-seconds <drain-seconds>] [--sysfs-root <dir>] [--start <time>] [--speed <n>] \
    [--anchor <time>]

    OPTIONS:
      --config <path>         Agent configuration file (TOML).
      --broker <mqtt://[user[:password]@]host[:port]>
                              Broker URL, overriding the config.
      --samples <samples>     Stop after this many sampling rounds (for tests and
                              demos).
      --drain-seconds <drain-seconds>
                              With --samples: how long to wait at the end for the
                              collector to confirm everything. (default: 10.0)
      --sysfs-root <dir>      Directory holding the sys/ tree the sensor drivers
                              read. (default: /)
      --start <time>          Lockstep with coldtrace-sim run (tests): the event
                              time (RFC 3339) of the first sample.
      --speed <n>             With --start: seconds of event time per second of
                              wall clock. (default: 1)
      --anchor <time>         With --start: the wall-clock instant (RFC 3339) at
                              which --start is played; give coldtrace-sim run the
                              same three values.
      --version               Show the version.
      -h, --help              Show help information.

    """

  /// `check-config --help`.
  static let checkConfig = """
    OVERVIEW: Validate an agent configuration; exit 2 with the first problem found.

    Example: coldtrace-agent check-config --config agent.toml

    USAGE: coldtrace-agent check-config --config <path>

    OPTIONS:
      --config <path>         Agent configuration file (TOML).
      --version               Show the version.
      -h, --help              Show help information.

    """

  /// `probe --help`.
  static let probe = """
    OVERVIEW: List the 1-wire, IIO and hwmon sensors on this box as [[sensor]]
    tables, with their current values.

    Each table is ready to paste into agent.toml; set its room (and, if you like, a
    clearer id). Values that cannot be read are shown as faults in the comment
    above the table.

    With --config, reads each [[input]] of that configuration once instead (the
    room controllers' defrost and door contacts) and prints its state.

    Example: coldtrace-agent probe >> /etc/coldtrace/agent.toml
             coldtrace-agent probe --config /etc/coldtrace/agent.toml

    USAGE: coldtrace-agent probe [--sysfs-root <dir>] [--config <path>]

    OPTIONS:
      --sysfs-root <dir>      Directory holding the sys/ tree the sensor drivers
                              read. (default: /)
      --config <path>         Agent configuration file (TOML) whose inputs to read.
      --version               Show the version.
      -h, --help              Show help information.

    """
}
