import ColdTraceSystem
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A throw-away PostgreSQL 15 cluster for one test suite: `initdb` into a temporary directory, a server on a free
/// loopback port and a unix socket in that directory, stopped and removed by `stop()`.
///
/// PostgreSQL refuses to run as root, so as root (CI, the developers' machines) `initdb` and `pg_ctl` run under
/// `runuser -u postgres` (the system user Debian's postgresql-15 creates; `nobody` where it is missing), and the
/// directory is handed to that user. The server keeps PostgreSQL's durable defaults (`fsync`, `synchronous_commit`,
/// `full_page_writes` on): only initdb's own files are not synced (`--no-sync`), and they are thrown away with the
/// cluster. Authentication is `trust` for the superuser `coldtrace`, on loopback and the socket only.
public final class PostgresCluster: Sendable {
  public static let binaries = "/usr/lib/postgresql/15/bin"
  public let directory: URL
  public let port: Int
  /// How long `initdb` and the start took, in seconds.
  public let startSeconds: Double
  private let runAs: String?
  private let stopped = Mutex(false)

  public var dataDirectory: String { directory.appendingPathComponent("data").path }
  public var socketDirectory: String { directory.path }

  /// The URL of `database` over TCP on loopback.
  public func url(database: String = "postgres") -> String { "postgres://coldtrace@127.0.0.1:\(port)/\(database)" }

  /// The URL of `database` over the unix socket.
  public func socketURL(database: String = "postgres") -> String {
    "postgres:///\(database)?host=\(socketDirectory)&port=\(port)&user=coldtrace"
  }

  /// A new cluster: `initdb`, then the server.
  public convenience init() throws {
    try self.init(settings: "") { data, runAs in
      try Self.run(
        "initdb", as: runAs,
        arguments: ["-D", data, "-U", "coldtrace", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
    }
  }

  /// A streaming standby of `primary`, as docs/postgresql.md makes one: `pg_basebackup -X stream -C -S NAME -R` (a
  /// replication slot NAME on the primary, `standby.signal` and `primary_conninfo` here), started with `cluster_name`
  /// NAME, which is the name the primary's `synchronous_standby_names` lists. Read-only until `promote()`. (`-c fast`:
  /// the primary's checkpoint at once, not spread over minutes.)
  public convenience init(standbyOf primary: PostgresCluster, name: String) throws {
    try self.init(settings: " -c cluster_name=\(name)") { data, runAs in
      try Self.run(
        "pg_basebackup", as: runAs,
        arguments: [
          "-h", "127.0.0.1", "-p", String(primary.port), "-U", "coldtrace", "-D", data, "-X", "stream", "-c", "fast",
          "-C", "-S", name, "-R", "--no-sync",
        ])
    }
  }

  private init(settings: String, populate: (_ data: String, _ runAs: String?) throws -> Void) throws {
    let began = Date()
    guard FileManager.default.isExecutableFile(atPath: "\(Self.binaries)/initdb") else {
      throw TestSupportError("PostgreSQL 15 is not installed (scripts/bootstrap.sh installs postgresql-15)")
    }
    let runAs = getuid() == 0 ? (getpwnam("postgres") != nil ? "postgres" : "nobody") : nil
    Self.stopClustersOfDeadTestProcesses(as: runAs)
    directory = try TemporaryDirectory.make(prefix: "postgres")
    guard let port = FreePort.find() else { throw TestSupportError("no free loopback port") }
    self.port = port
    self.runAs = runAs
    // Which test process started the cluster: a later suite stops it if that process died without stopping it.
    try String(getpid()).write(to: directory.appendingPathComponent("test-process"), atomically: true, encoding: .utf8)
    if let runAs, let user = getpwnam(runAs) {
      guard chown(directory.path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
        throw TestSupportError("cannot hand \(directory.path) to \(runAs): \(String(cString: strerror(errno)))")
      }
    }
    let data = directory.appendingPathComponent("data").path
    try populate(data, runAs)
    let options = "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c max_connections=60" + settings
    do {
      try Self.run(
        "pg_ctl", as: runAs,
        arguments: ["-D", data, "-o", options, "-l", "\(directory.path)/server.log", "-w", "-t", "30", "start"])
    } catch {
      let log = (try? String(contentsOfFile: "\(directory.path)/server.log", encoding: .utf8)) ?? ""
      try? FileManager.default.removeItem(at: directory)
      throw TestSupportError("\(error); server log: \(log.suffix(600))")
    }
    startSeconds = Date().timeIntervalSince(began)
  }

  /// Ends a standby's recovery: it becomes a primary that takes writes (`pg_ctl promote`, waiting until it does).
  public func promote() throws {
    try Self.run("pg_ctl", as: runAs, arguments: ["-D", dataDirectory, "-w", "-t", "30", "promote"])
  }

  /// Stops the server the way a power cut or a kernel panic would to the database: `pg_ctl stop -m immediate` (no
  /// shutdown checkpoint; the next start replays the WAL). The directory stays until `stop()`.
  public func crash() throws {
    try Self.run("pg_ctl", as: runAs, arguments: ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
  }

  deinit { stop() }

  /// Stops the server (`pg_ctl stop -m fast`: sessions are ended, nothing is waited for) and removes the directory.
  public func stop() {
    let first = stopped.withLock { stopped in
      defer { stopped = true }
      return !stopped
    }
    guard first else { return }
    try? Self.run("pg_ctl", as: runAs, arguments: ["-D", dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"])
    try? FileManager.default.removeItem(at: directory)
  }

  /// Creates an empty database for one test (tests of a suite share the cluster, each in a database of its own).
  public func makeDatabase(_ name: String) throws -> String {
    let result = try Executables.run(
      URL(fileURLWithPath: "/usr/bin/psql"), [url(), "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE \"\(name)\""])
    guard result.status == 0 else { throw TestSupportError("cannot create database \(name): \(result.stderr)") }
    return url(database: name)
  }

  /// Stops and removes the clusters left by test processes that died before their suite ended (a crash, a SIGKILL
  /// of the test run): each cluster's directory names the process that started it.
  static func stopClustersOfDeadTestProcesses(as runAs: String?) {
    let temporary = FileManager.default.temporaryDirectory
    let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
    for name in names where name.hasPrefix("coldtrace-postgres-") {
      let directory = temporary.appendingPathComponent(name)
      guard let text = try? String(contentsOf: directory.appendingPathComponent("test-process"), encoding: .utf8),
        let pid = pid_t(text), kill(pid, 0) != 0, errno == ESRCH
      else { continue }
      try? run(
        "pg_ctl", as: runAs,
        arguments: ["-D", directory.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
      try? FileManager.default.removeItem(at: directory)
    }
  }

  /// Runs `tool` to completion with its output in a file, not a pipe: `pg_ctl start` leaves the server running, and a
  /// pipe it might hold would never reach its end.
  private static func run(_ tool: String, as runAs: String?, arguments: [String]) throws {
    let program = "\(binaries)/\(tool)"
    let command = runAs.map { ["/usr/sbin/runuser", "-u", $0, "--", program] } ?? [program]
    let log = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-\(tool)-\(UUID().uuidString).log")
    defer { try? FileManager.default.removeItem(at: log) }
    let child = try ChildProcess(
      name: tool, executable: command[0], arguments: Array(command.dropFirst()) + arguments, log: log.path)
    guard child.wait(seconds: 60) else {
      child.kill()
      throw TestSupportError("\(tool) did not finish in 60 s")
    }
    guard child.exitStatus == 0 else {
      let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
      throw TestSupportError("\(tool) failed (exit \(child.exitStatus)): \(output.suffix(600))")
    }
  }
}
