// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for ColdTrace's untrusted-input parsers. Build and run them with `scripts/fuzz.sh` (it passes
// `--sanitize fuzzer --sanitize address`); each executable's entry point is `LLVMFuzzerTestOneInput`, libFuzzer
// supplies `main`.
let parseAsLibrary: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
  name: "ColdTraceFuzz",
  dependencies: [.package(name: "ColdTrace", path: "..")],
  targets: [
    // Topic line + reading payload → ReadingDecoder; accepted readings must survive ReadingEncoder round trips.
    .executableTarget(
      name: "FuzzReading", dependencies: [.product(name: "ColdTraceModules", package: "ColdTrace")],
      swiftSettings: parseAsLibrary),
    // The `samples` array of a backfill payload → ReadingDecoder (batch form).
    .executableTarget(
      name: "FuzzReadingBatch", dependencies: [.product(name: "ColdTraceModules", package: "ColdTrace")],
      swiftSettings: parseAsLibrary),
    // Any bytes → JSONParser; accepted documents must survive a write-and-parse round trip.
    .executableTarget(
      name: "FuzzJSON", dependencies: [.product(name: "ColdTraceModules", package: "ColdTrace")],
      swiftSettings: parseAsLibrary),
    // agent.toml text → ConfigTable → AgentConfiguration.load, as `coldtrace-agent check-config` does.
    .executableTarget(
      name: "FuzzAgentConfig", dependencies: [.product(name: "ColdTraceModules", package: "ColdTrace")],
      swiftSettings: parseAsLibrary),
    // collector.toml text → ConfigTable → CollectorConfigFile.load (in ColdTraceCollector), as `coldtrace --config`
    // does.
    .executableTarget(
      name: "FuzzCollectorConfig", dependencies: [.product(name: "ColdTraceModules", package: "ColdTrace")],
      swiftSettings: parseAsLibrary),
  ],
  swiftLanguageModes: [.v6]
)
