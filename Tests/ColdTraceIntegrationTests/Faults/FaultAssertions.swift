import Testing

extension FaultMeasurement {
  /// Every sample the agent produced is stored exactly once (or, for a clock ahead, quarantined with the expected
  /// reason and none stored); no alert event twice; the expected alerts and events, in order; a sound database.
  func expectNothingLostOrRepeated(
    atLeast minimumProduced: Int64 = Int64(FaultRun.rounds), sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(
      produced >= minimumProduced, "the agent numbered fewer samples than it should", sourceLocation: sourceLocation)
    guard produced > 0 else { return }
    #expect(dropped == 0, "the agent's outbox dropped samples for space", sourceLocation: sourceLocation)
    #expect(missing.isEmpty, "produced but neither stored nor quarantined: \(missing)", sourceLocation: sourceLocation)
    #expect(duplicateReadings == 0, sourceLocation: sourceLocation)
    #expect(
      storedSeqs.allSatisfy { (1...produced).contains($0) }, "stored a seq never produced",
      sourceLocation: sourceLocation)
    if let reason = expected.rejectedReason {
      #expect(storedSeqs.isEmpty, "stored samples the collector must reject", sourceLocation: sourceLocation)
      #expect(quarantinedSeqs == Set(1...produced), sourceLocation: sourceLocation)
      #expect(Set(quarantineReasons.keys) == [reason], "\(quarantineReasons)", sourceLocation: sourceLocation)
    } else {
      #expect(storedSeqs == Set(1...produced), sourceLocation: sourceLocation)
      #expect(quarantineRows == 0, "quarantined: \(quarantineReasons)", sourceLocation: sourceLocation)
    }
    #expect(duplicateEvents == 0, "an alert event was recorded twice", sourceLocation: sourceLocation)
    #expect(alertEvents == expected.alerts, "alert events", sourceLocation: sourceLocation)
    #expect(alertCount == expected.alerts.count, sourceLocation: sourceLocation)
    #expect(journalLines == eventCount, "the journal has a line per alert event", sourceLocation: sourceLocation)
    #expect(integrity == "ok", sourceLocation: sourceLocation)
  }
}
