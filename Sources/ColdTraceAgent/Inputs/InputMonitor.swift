import ColdTraceCore

/// The agent's room inputs between its sampling rounds: each input is read at every round (a heartbeat, so the
/// collector knows the state is current and an input that stops reporting goes `offline` like a probe), and polled
/// every `poll_seconds` of wall clock in between, when only a change is reported, at once.
///
/// A change is a new state, or a fault after a state and back; a fault whose text changes is not one (a dead
/// controller's timeouts would otherwise be reported every poll). Stamps never go backwards for an input.
public final class InputMonitor {
  /// One read to publish.
  public struct Reading: Sendable, Equatable {
    public var id: String
    public var room: String
    public var signal: RoomSignal
    public var value: InputValue
    public var time: Timestamp
  }

  private struct Entry {
    let configuration: InputConfiguration
    let input: any RoomInput
    var last: InputValue?
    var lastTime: Timestamp?
    var nextPoll: Timestamp
  }

  private var entries: [Entry]

  /// Builds every configured input; the first polls are due one poll period after `now` (wall clock).
  public init(_ configurations: [InputConfiguration], context: SensorContext, now: Timestamp) {
    entries = configurations.map { configuration in
      Entry(
        configuration: configuration, input: configuration.make(context), last: nil, lastTime: nil,
        nextPoll: now.adding(seconds: configuration.pollSeconds))
    }
  }

  public var isEmpty: Bool { entries.isEmpty }

  /// When the next input is due for a poll (wall clock), if there is any input.
  public var nextPoll: Timestamp? { entries.map(\.nextPoll).min() }

  /// The heartbeat at a sampling round: reads every input, stamped `time` (event time), and reports each.
  public func readAll(at time: Timestamp, now: Timestamp) -> [Reading] {
    entries.indices.map { index in
      entries[index].nextPoll = now.adding(seconds: entries[index].configuration.pollSeconds)
      return read(index, at: time)
    }
  }

  /// Polls the inputs due at `now` (wall clock), stamped `time` (event time), and reports those that changed.
  public func poll(at time: Timestamp, now: Timestamp) -> [Reading] {
    var changed: [Reading] = []
    for index in entries.indices where entries[index].nextPoll <= now {
      entries[index].nextPoll = now.adding(seconds: entries[index].configuration.pollSeconds)
      let previous = entries[index].last
      let reading = read(index, at: time)
      if Self.differs(previous, reading.value) { changed.append(reading) }
    }
    return changed
  }

  private func read(_ index: Int, at time: Timestamp) -> Reading {
    let configuration = entries[index].configuration
    let value = entries[index].input.read(at: time).inverted(configuration.invert)
    let stamp = max(time, entries[index].lastTime ?? time)
    entries[index].last = value
    entries[index].lastTime = stamp
    return Reading(
      id: configuration.id, room: configuration.room, signal: configuration.signal, value: value, time: stamp)
  }

  private static func differs(_ previous: InputValue?, _ current: InputValue) -> Bool {
    switch (previous, current) {
    case (.state(let before)?, .state(let now)): before != now
    case (.fault?, .fault): false
    default: true
    }
  }
}

extension InputMonitor.Reading {
  /// The sample this read makes: `defrost` or `doorOpen` as the signal says, or an `error` sample reporting the fault.
  public func sample(seq: Int64) -> Sample {
    switch value {
    case .state(let on) where signal == .defrost: Sample(seq: seq, ts: time, defrost: on)
    case .state(let on): Sample(seq: seq, ts: time, doorOpen: on)
    case .fault(let reason): Sample(seq: seq, ts: time, error: reason)
    }
  }
}
