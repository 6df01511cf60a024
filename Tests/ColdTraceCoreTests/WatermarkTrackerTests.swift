import Testing

@testable import ColdTraceCore

struct WatermarkTrackerTests {
  @Test func advancesOnlyOverContiguousNumbers() {
    var tracker = WatermarkTracker()
    var moved = tracker.record(stored: [1, 2, 3])
    #expect(moved && tracker.watermark == 3)
    moved = tracker.record(stored: [5, 6])
    #expect(!moved && tracker.watermark == 3)
    #expect(tracker.gap.map { [$0.firstMissing, $0.highestStored] } == [4, 6])
    moved = tracker.record(stored: [4])
    #expect(moved && tracker.watermark == 6)
    #expect(tracker.gap == nil)
    moved = tracker.record(stored: [2, 6])
    #expect(!moved, "duplicates move nothing")
  }

  @Test func theAgentsFloorSkipsNumbersItGaveUp() {
    var tracker = WatermarkTracker(watermark: 10)
    tracker.record(stored: [50, 51])
    #expect(tracker.watermark == 10)
    let moved = tracker.record(stored: [], floor: 50)
    #expect(moved && tracker.watermark == 51)
    let movedBack = tracker.record(stored: [], floor: 20)
    #expect(!movedBack && tracker.watermark == 51, "a lower floor never moves it back")
  }

  @Test func resumesFromStoredState() {
    let tracker = WatermarkTracker(watermark: 3, pending: [4, 5, 7])
    #expect(tracker.watermark == 5)
    #expect(tracker.pending == [7])
  }
}
