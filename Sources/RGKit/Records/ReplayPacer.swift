/// When `rg-feed replay` should emit each record. Pure: times come in as arguments.
public struct ReplayPacer: Sendable {
    public enum Mode: Sendable, Equatable {
        case asFastAsPossible
        case rate(Double)
        /// The recorded spacing, from each record's own timestamp.
        case realtime
    }

    public let mode: Mode
    private let startNs: UInt64
    private var emitted = 0
    private var firstRecordedMs: Int64?

    public init(mode: Mode, startNs: UInt64) {
        self.mode = mode
        self.startNs = startNs
    }

    /// Nanoseconds to wait before emitting the next record (0 = now).
    public mutating func wait(recordedMs: Int64?, nowNs: UInt64) -> UInt64 {
        defer { emitted += 1 }
        let dueNs: UInt64
        switch mode {
        case .asFastAsPossible:
            return 0
        case .rate(let perSecond):
            dueNs = startNs + UInt64(Double(emitted) / perSecond * 1e9)
        case .realtime:
            guard let recordedMs else { return 0 }
            guard let first = firstRecordedMs else { firstRecordedMs = recordedMs; return 0 }
            dueNs = startNs + UInt64(max(0, recordedMs - first)) * 1_000_000
        }
        return dueNs > nowNs ? dueNs - nowNs : 0
    }
}
