/// The last N events of a process, copied into reused byte buffers: no allocation per event once warm.
struct EventRing {
    private struct Slot {
        var bytes: [UInt8] = []
        /// End offsets of process, operation, path, result, detail, time, tid, sequence in `bytes`.
        var ends: [Int] = Array(repeating: 0, count: 8)
        var row = 0
        var pid = 0
    }

    let capacity: Int
    private var slots: [Slot]
    private var next = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 0)
        slots = Array(repeating: Slot(), count: self.capacity)
    }

    mutating func push(_ e: EventView) {
        guard capacity > 0 else { return }
        slots[next].row = e.row
        slots[next].pid = e.pid
        slots[next].bytes.removeAll(keepingCapacity: true)
        let fields = [e.processName, e.operation, e.path, e.result, e.detail, e.timeOfDay, e.tid, e.sequence]
        for (i, f) in fields.enumerated() {
            slots[next].bytes.append(contentsOf: f)
            slots[next].ends[i] = slots[next].bytes.count
        }
        next = (next + 1) % capacity
        count = min(count + 1, capacity)
    }

    /// The newest event, if any.
    var last: TraceEvent? { count == 0 ? nil : event(at: (next + capacity - 1) % capacity) }

    /// The stored events, oldest first.
    var events: [TraceEvent] {
        let first = (next + capacity - count) % max(capacity, 1)
        return (0..<count).map { event(at: (first + $0) % capacity) }
    }

    private func event(at i: Int) -> TraceEvent {
        let s = slots[i]
        func text(_ k: Int) -> String {
            let start = k == 0 ? 0 : s.ends[k - 1]
            return String(decoding: s.bytes[start..<s.ends[k]], as: UTF8.self)
        }
        let time = text(5)
        return TraceEvent(
            row: s.row, sequence: Int(text(7)), time: time.isEmpty ? nil : time, process: text(0), pid: s.pid,
            tid: Int(text(6)), operation: text(1), path: text(2), result: text(3), detail: text(4))
    }
}
