import ColdRoomSimulation

extension SysfsWriter {
  /// The GPIO line the room controller's defrost relay is wired to (an exported line's
  /// `sys/class/gpio/gpio17/value`).
  public static let defrostGPIO = 17
  /// The GPIO line of the door contact (`sys/class/gpio/gpio27/value`; 1 = open).
  public static let doorGPIO = 27

  /// Writes the room controller's outputs as sysfs GPIO value files, `"1\n"` or `"0\n"` like the kernel's: the defrost
  /// relay on `defrostGPIO` and the door contact on `doorGPIO`, each replaced atomically like the probes' files.
  public func writeController(_ snapshot: RoomSnapshot) throws {
    try replace(Self.gpioDirectory(root, Self.defrostGPIO), "value", snapshot.defrosting ? "1\n" : "0\n")
    try replace(Self.gpioDirectory(root, Self.doorGPIO), "value", snapshot.doorOpen ? "1\n" : "0\n")
  }

  /// `<root>/sys/class/gpio/gpioN`.
  public static func gpioDirectory(_ root: String, _ line: Int) -> String {
    root + "/sys/class/gpio/gpio\(line)"
  }
}
