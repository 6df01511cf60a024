// swift-tools-version: 6.0
import PackageDescription

// The commit `--version` names (Sources/CBuildInfo): deploy/install.sh sets COLDTRACE_BUILD_COMMIT; only the
// characters of a commit id and `-dirty` are kept.
let buildCommit = (Context.environment["COLDTRACE_BUILD_COMMIT"] ?? "").filter {
  $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".")
}

let package = Package(
  name: "ColdTrace",
  products: [
    .executable(name: "coldtrace", targets: ["coldtrace"]),
    .executable(name: "coldtrace-agent", targets: ["coldtrace-agent"]),
    .executable(name: "coldtrace-sim", targets: ["coldtrace-sim"]),
    // The libraries the fuzz targets in Fuzz/ exercise.
    .library(
      name: "ColdTraceModules",
      targets: [
        "ColdTraceCore", "ColdTraceMQTT", "ColdTraceSystem", "ColdTraceConfig", "ColdTraceAgent", "ColdTraceCollector",
      ]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
  ],
  targets: [
    // libmosquitto from Debian's libmosquitto-dev.
    .systemLibrary(
      name: "CMosquitto",
      pkgConfig: "libmosquitto",
      providers: [.apt(["libmosquitto-dev"])]
    ),
    // libmodbus from Debian's libmodbus-dev (Modbus RTU and TCP sensors).
    .systemLibrary(
      name: "CModbus",
      pkgConfig: "libmodbus",
      providers: [.apt(["libmodbus-dev"])]
    ),
    // glibc's <malloc.h> (`mallopt`), for the agent's memory footprint.
    .systemLibrary(name: "CMalloc"),
    // glibc's <sys/timex.h> (`ntp_adjtime`): whether the kernel's clock is synchronised, for the agent.
    .systemLibrary(name: "CTimex"),
    // OpenSSL's libcrypto from Debian's libssl-dev (SHA-256 for the journal's hash chain).
    .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    // libqrencode from Debian's libqrencode-dev (the QR code of a signed HTML report).
    .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
    // libpq from Debian's libpq-dev: the PostgreSQL client library (ColdTracePostgres).
    .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
    // The cooperative's Ed25519 key pair over libcrypto: generate, PEM files, sign, verify, fingerprint.
    .target(name: "ColdTraceSigning", dependencies: ["CCrypto"]),
    // Swift 6-safe MQTT client over libmosquitto: supervised network thread, QoS 1 completions.
    .target(name: "ColdTraceMQTT", dependencies: ["CMosquitto", "ColdTraceSystem"]),
    // Pure domain: identities, timestamps, payload codec, product profiles, rules, alert engine. No I/O, no clock.
    .target(name: "ColdTraceCore"),
    // A strict TOML 1.0 reader without Foundation (the agent's footprint; see its doc comment).
    .target(name: "ColdTraceTOML"),
    // The commit a binary was built from, defined for this one C file (a new commit recompiles nothing else).
    .target(
      name: "CBuildInfo",
      cSettings: buildCommit.isEmpty ? [] : [.define("COLDTRACE_BUILD_COMMIT", to: "\"\(buildCommit)\"")]),
    // The imperative shell's contact with the OS: clocks, termination signals, durable small files, child processes.
    // No Foundation: the agent links it.
    .target(name: "ColdTraceSystem", dependencies: ["ColdTraceCore", "CTimex", "CBuildInfo"]),
    // Configuration files (agent.toml, collector.toml, scenarios): TOML tables read with errors naming the file, the
    // line and the key; range-checked numbers; the MQTT connection keys; `[[product]]` profiles. No Foundation: the
    // agent links it.
    .target(
      name: "ColdTraceConfig", dependencies: ["ColdTraceCore", "ColdTraceTOML", "ColdTraceMQTT", "ColdTraceSystem"]),
    // `CommandMain`: ArgumentParser commands with ColdTrace's exit statuses, for `coldtrace` and `coldtrace-sim` (the
    // agent parses its own command line: ArgumentParser links FoundationEssentials).
    .target(
      name: "ColdTraceCommandLine",
      dependencies: [
        "ColdTraceSystem", "ColdTraceConfig", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // SQLite storage behind narrow protocols (GRDB).
    .target(
      name: "ColdTraceStorage",
      dependencies: [
        "ColdTraceCore", "ColdTraceSystem", "CCrypto", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]
    ),
    // PostgreSQL storage, first slice (docs/postgresql.md): a synchronous libpq connection, the versioned schema with
    // monthly reading partitions, the group write of readings, the per-slot journal chain, and collector slot
    // ownership (advisory lock plus a fencing epoch checked in every write transaction).
    .target(
      name: "ColdTracePostgres",
      dependencies: [
        "CLibPQ", "ColdTraceCore", "ColdTraceStorage",
        // `coldtrace migrate` reads the SQLite database it copies (SQLiteMigration).
        .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    // Lot reports: a pure builder from plain inputs to a LotReport, and one renderer per format (text, JSON, CSV,
    // HTML, EPCIS) in English and Vietnamese; signed reports and their offline check.
    .target(name: "ColdTraceReport", dependencies: ["ColdTraceCore", "ColdTraceSigning", "CQRencode"]),
    // The collector service: MQTT in, durable store, engine, alert journal and alert topic out.
    .target(
      name: "ColdTraceCollector",
      dependencies: [
        "ColdTraceCore", "ColdTraceStorage", "ColdTraceMQTT", "ColdTraceSystem", "ColdTraceConfig",
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // A simple cold-room model used by the agent's simulated sensor and the demo.
    .target(name: "ColdRoomSimulation", dependencies: ["ColdTraceCore"], path: "Simulators/ColdRoomSimulation"),
    // Scenario files (TOML timelines) for the cold-room model, and running them into traces.
    .target(
      name: "ColdRoomScenarios",
      dependencies: ["ColdRoomSimulation", "ColdTraceCore", "ColdTraceConfig", "ColdTraceSystem"],
      path: "Simulators/ColdRoomScenarios"
    ),
    // Modbus TCP and RTU servers over libmodbus, serving register tables: the simulator's `--modbus-port` output and
    // the agent's Modbus tests.
    .target(
      name: "ModbusTestServer", dependencies: ["CModbus", "ColdTraceSystem"], path: "Simulators/ModbusTestServer"),
    // The edge agent: sensors, per-sensor sequence numbers, publishing.
    .target(
      name: "ColdTraceAgent",
      dependencies: [
        "ColdTraceCore", "ColdTraceMQTT", "ColdTraceSystem", "ColdTraceConfig", "ColdRoomSimulation",
        "ColdRoomScenarios", "CModbus", .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(
      name: "coldtrace",
      dependencies: [
        "ColdTraceCore", "ColdTraceStorage", "ColdTraceCollector", "ColdTraceMQTT", "ColdTraceSystem",
        "ColdTraceConfig", "ColdTraceReport", "ColdTraceCommandLine", "ColdTraceSigning", "ColdTracePostgres",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(
      name: "coldtrace-agent",
      dependencies: [
        "ColdTraceAgent", "ColdTraceCore", "ColdTraceSystem", "ColdTraceConfig", "CMalloc",
        .product(name: "Logging", package: "swift-log"),
      ],
      // The agent's RSS (benchmarks/README.md, "Agent RSS"): lld packs the relative relocations (RELR) and exports no
      // symbols, and libstdc++ (which only the Swift runtime uses) is linked statically from
      // deploy/static-libstdc++ (a link to Debian 12's libstdc++.a; where it is missing, the shared one is used).
      // The functions the agent runs come first in .text, in the order of deploy/coldtrace-agent.order
      // (scripts/agent-symbol-order.sh writes it; names it no longer has are skipped without a warning).
      linkerSettings: [
        .unsafeFlags([
          "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
          "-L", Context.packageDirectory + "/deploy/static-libstdc++",
          "-Xlinker", "--symbol-ordering-file=" + Context.packageDirectory + "/deploy/coldtrace-agent.order",
          "-Xlinker", "--no-warn-symbol-ordering",
        ])
      ]
    ),
    // The simulator's command line: scenarios to traces, fake sysfs trees, MQTT load.
    .executableTarget(
      name: "coldtrace-sim",
      dependencies: [
        "ColdRoomScenarios", "ColdRoomSimulation", "ColdTraceCore", "ColdTraceMQTT", "ColdTraceSystem",
        "ModbusTestServer", "ColdTraceCommandLine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Simulators/coldtrace-sim"
    ),
    .testTarget(name: "ColdTraceCoreTests", dependencies: ["ColdTraceCore"]),
    .testTarget(name: "ColdTraceSystemTests", dependencies: ["ColdTraceSystem"]),
    // TOMLKit only here: the differential test of ColdTraceTOML against it.
    .testTarget(
      name: "ColdTraceTOMLTests",
      dependencies: ["ColdTraceTOML", "ColdTraceSystem", .product(name: "TOMLKit", package: "TOMLKit")]
    ),
    .testTarget(name: "ColdTraceMQTTTests", dependencies: ["ColdTraceMQTT", "ColdTraceSystem", "TestSupport"]),
    .testTarget(
      name: "ColdTraceAgentTests",
      dependencies: [
        "ColdTraceAgent", "ColdTraceCore", "ColdTraceSystem", "ColdTraceConfig", "ColdRoomSimulation", "TestSupport",
        "ModbusTestServer", .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .testTarget(name: "ColdTraceStorageTests", dependencies: ["ColdTraceStorage", "ColdTraceCore", "TestSupport"]),
    .testTarget(
      name: "ColdTraceCollectorTests",
      dependencies: [
        "ColdTraceCollector", "ColdTraceConfig", "ColdTraceStorage", "ColdTraceCore", "ColdTraceMQTT", "TestSupport",
        "ColdTraceReport", .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .testTarget(
      name: "ColdTraceIntegrationTests",
      dependencies: [
        "ColdTraceCore", "ColdTraceStorage", "ColdTraceMQTT", "ColdTraceSystem", "ColdTraceConfig", "ColdTraceAgent",
        "ColdRoomScenarios", "ColdRoomSimulation", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    .testTarget(
      name: "ColdRoomSimulationTests",
      dependencies: [
        "ColdRoomSimulation", "ColdRoomScenarios", "ColdTraceCore", "ColdTraceSystem", "ColdTraceAgent",
        "ColdTraceMQTT",
        "TestSupport",
      ]
    ),
    .testTarget(
      name: "ColdTracePostgresTests",
      dependencies: [
        "ColdTracePostgres", "ColdTraceCore", "ColdTraceStorage", "ColdTraceSystem", "TestSupport",
        "coldtrace-pg-tool", .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    // A slot owner as a process of its own, for the failover tests (SIGKILL, SIGSTOP), and the PostgreSQL ingest
    // benchmark (benchmarks/postgres-ingest.sh).
    .executableTarget(
      name: "coldtrace-pg-tool", dependencies: ["ColdTracePostgres", "ColdTraceCore"], path: "Tests/PostgresTool"),
    // zlib from Debian's zlib1g-dev, only for the report tests' PNG decoding.
    .systemLibrary(name: "CZlib", path: "Tests/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .testTarget(
      name: "ColdTraceReportTests",
      dependencies: [
        "ColdTraceReport", "ColdTraceStorage", "ColdTraceCore", "ColdTraceSigning", "TestSupport", "CZlib",
      ],
      exclude: ["Golden"]
    ),
    // Shared test helpers: a real mosquitto broker on a free loopback port, temp dirs, process control, and the
    // deterministic harness (an in-memory transport and a manual clock).
    .target(
      name: "TestSupport", dependencies: ["ColdTraceCore", "ColdTraceMQTT", "ColdTraceSystem"],
      path: "Tests/TestSupport"
    ),
  ],
  swiftLanguageModes: [.v6]
)
