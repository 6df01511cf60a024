/// A hostile defrost and door setting in `collector.toml` (docs/operations.md, "Defrost and doors").
private func roomConditions(_ name: String, _ text: String) -> HostileInput { configCase("coldtrace", name, text) }

/// Hostile `[defrost]`, `[doors]`, `[evaporator]`, `[[room_conditions]]` and `[[defrost_schedule]]` values: each is
/// refused with one line and exit 2 (`HostileArgumentTests.collectorConfigValue`).
let roomConditionConfigs: [HostileInput] = [
  roomConditions("NaN defrost bypass", "[defrost]\nbypass_minutes = nan\n"),
  roomConditions("defrost maximum of a day", "[defrost]\nmax_minutes = 1440\n"),
  roomConditions("unknown defrost key", "[defrost]\nmaximum = 30\n"),
  roomConditions("door critical before warning", "[doors]\nwarning_minutes = 20\ncritical_minutes = 15\n"),
  roomConditions("door pause past critical", "[doors]\npause_max_minutes = 30\n"),
  roomConditions("door pause per hour past an hour", "[doors]\npause_per_hour_max_minutes = 90\n"),
  roomConditions("negative defrosts per day", "[defrost]\nper_day_max = -1\n"),
  roomConditions("fractional defrosts per day", "[defrost]\nper_day_max = 2.5\n"),
  roomConditions(
    "room defrosts per day past 48", "[[room_conditions]]\nroom = \"hongxuan/cold2\"\ndefrost_per_day_max = 100\n"),
  roomConditions("evaporator hysteresis backwards", "[evaporator]\ndefrost_above_c = 2\ndefrost_below_c = 5\n"),
  roomConditions("infinite evaporator threshold", "[evaporator]\ndefrost_above_c = inf\n"),
  roomConditions("room conditions without a room", "[[room_conditions]]\ndefrost_max_minutes = 30\n"),
  roomConditions("room conditions of a wildcard", "[[room_conditions]]\nroom = \"hongxuan/#\"\n"),
  roomConditions(
    "schedule time of 25 h",
    "[[defrost_schedule]]\nroom = \"hongxuan/cold2\"\ntimes = [\"25:00\"]\nminutes = 20\nzone = \"+07:00\"\n"),
  roomConditions(
    "schedule without a zone", "[[defrost_schedule]]\nroom = \"hongxuan/cold2\"\ntimes = [\"02:00\"]\nminutes = 20\n"),
  roomConditions(
    "schedule zone by name",
    "[[defrost_schedule]]\nroom = \"hongxuan/cold2\"\ntimes = [\"02:00\"]\nminutes = 20\nzone = \"Asia/Ho_Chi_Minh\"\n"),
  roomConditions(
    "overlapping scheduled defrosts",
    "[[defrost_schedule]]\nroom = \"hongxuan/cold2\"\ntimes = [\"02:00\", \"02:10\"]\nminutes = 20\nzone = \"Z\"\n"),
  roomConditions(
    "scheduled defrost past its maximum",
    "[[defrost_schedule]]\nroom = \"hongxuan/cold2\"\ntimes = [\"02:00\"]\nminutes = 60\nzone = \"Z\"\n"),
  roomConditions(
    "two schedules for a room",
    "[[defrost_schedule]]\nroom = \"a/b\"\ntimes = [\"02:00\"]\nminutes = 20\nzone = \"Z\"\n"
      + "[[defrost_schedule]]\nroom = \"a/b\"\ntimes = [\"04:00\"]\nminutes = 20\nzone = \"Z\"\n"),
]
