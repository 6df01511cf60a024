import Foundation
import TestSupport
import Testing

/// Hostile `coldtrace backup` and `coldtrace restore` paths, run by `HostileArgumentTests` with the other shell
/// arguments: each must exit 2 with one line and leave the database and journal exactly as they were.
let hostileBackupInputs: [HostileInput] = [
  coldtrace("backup into a missing --directory") { ["backup", "--db", $0.database, "--directory", "/nonexistent"] },
  coldtrace("backup with a file and a --directory") {
    ["backup", "--db", $0.database, "--directory", $0.directory, $0.directory + "/x.db"]
  },
  coldtrace("restore the database onto itself") { ["restore", "--db", $0.database, $0.database] },
  coldtrace("restore a directory") { ["restore", "--db", $0.database, $0.directory] },
  coldtrace("restore a missing file") { ["restore", "--db", $0.database, "/nonexistent/backup.db"] },
  coldtrace("restore a file that is not SQLite") { ["restore", "--db", $0.database, $0.journal] },
  coldtrace("restore an empty path") { ["restore", "--db", $0.database, ""] },
]

private func coldtrace(_ name: String, _ arguments: @escaping @Sendable (HostilePaths) -> [String]) -> HostileInput {
  HostileInput(name: name, program: "coldtrace", arguments: arguments)
}
