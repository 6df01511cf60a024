import ColdTraceSystem
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `coldtrace backup` as an operator runs it: into the service's own directory by default, with the database's
/// mode, and, where it cannot write, an error that names the path and the user.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct BackupPermissionTests {
  /// A database made by the real binary (`lot add` may create one), 0640 like the installed collector's.
  private func database(in directory: URL) throws -> String {
    let database = directory.appendingPathComponent("coldtrace.db").path
    let made = try Executables.run(
      Executables.product("coldtrace"),
      ["lot", "add", "LT-1", "--product", "litchi", "--room", "hongxuan/cold2", "--db", database])
    #expect(made.status == 0, "\(made.stderr)")
    chmod(database, 0o640)
    return database
  }

  @Test func aBackupWithNoFileGoesToBackupsNextToTheDatabaseWithItsMode() throws {
    let directory = try TemporaryDirectory.make(prefix: "backup-mode")
    let database = try database(in: directory)
    let result = try Executables.run(Executables.product("coldtrace"), ["backup", "--db", database])
    #expect(result.status == 0, "\(result.stderr)")
    let backups = directory.appendingPathComponent("backups")
    let files = try FileManager.default.contentsOfDirectory(atPath: backups.path)
    #expect(files.count == 1 && files[0].hasPrefix("coldtrace-") && files[0].hasSuffix("Z.db"), "\(files)")
    let copy = backups.appendingPathComponent(files[0]).path
    #expect(result.stdout.contains(copy))
    #expect(try mode(of: copy) == 0o640, "the copy has the database's mode, nothing for others")
    #expect(try mode(of: backups.path) == 0o750)

    // A database that others may read still gives a copy they may not.
    chmod(database, 0o644)
    let named = directory.appendingPathComponent("named.db").path
    let second = try Executables.run(Executables.product("coldtrace"), ["backup", named, "--db", database])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(try mode(of: named) == 0o640)
  }

  @Test func permissionErrorsNameThePathAndTheUser() throws {
    let directory = try TemporaryDirectory.make(prefix: "backup-permission")
    chmod(directory.path, 0o777)
    let database = try database(in: directory)
    chmod(database, 0o666)
    let locked = directory.appendingPathComponent("root-only")
    try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
    chmod(locked.path, 0o755)
    let target = locked.appendingPathComponent("x.db").path
    let asOther = try runAsAnotherUser(["backup", target, "--db", database])
    #expect(asOther.status == 2)
    #expect(
      asOther.stderr.contains("cannot write \(target): permission denied (running as \(asOther.user))"),
      "\(asOther.stderr)")
    #expect(!asOther.stderr.contains("SQLite error"))
    #expect(!FileManager.default.fileExists(atPath: target))

    chmod(database, 0o600)
    let unreadable = try runAsAnotherUser(["backup", "--directory", directory.path, "--db", database])
    #expect(unreadable.status == 2)
    #expect(
      unreadable.stderr.contains("cannot read \(database): permission denied (running as \(unreadable.user))"),
      "\(unreadable.stderr)")
  }

  /// As root, the command runs as `nobody` (`runuser`); as anyone else, as that user, who cannot write root's files.
  private func runAsAnotherUser(_ arguments: [String]) throws -> (status: Int32, stderr: String, user: String) {
    let coldtrace = Executables.product("coldtrace").path
    if getuid() == 0, let runuser = ChildProcess.system("runuser") {
      let result = try Executables.run(URL(fileURLWithPath: runuser), ["-u", "nobody", "--", coldtrace] + arguments)
      return (result.status, result.stderr, "nobody")
    }
    let result = try Executables.run(URL(fileURLWithPath: coldtrace), arguments)
    return (result.status, result.stderr, String(cString: getpwuid(getuid())!.pointee.pw_name))
  }

  private func mode(of path: String) throws -> mode_t {
    var info = stat()
    guard stat(path, &info) == 0 else { throw TestSupportError("cannot stat \(path)") }
    return info.st_mode & 0o777
  }
}
