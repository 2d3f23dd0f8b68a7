/// Which verdicts a query or a summary covers: a half-open time range `[sinceMs, untilMs)` on
/// `verified_ms` (either end open when nil) plus optional equality filters.
public struct VerdictFilter: Sendable, Equatable {
    public var sinceMs: Int64?
    public var untilMs: Int64?
    /// Matches rejected verdicts with this code (accepted verdicts have none).
    public var reasonCode: String?
    public var feeTier: String?
    public var accepted: Bool?

    public init(sinceMs: Int64? = nil, untilMs: Int64? = nil, reasonCode: String? = nil, feeTier: String? = nil, accepted: Bool? = nil) {
        self.sinceMs = sinceMs
        self.untilMs = untilMs
        self.reasonCode = reasonCode
        self.feeTier = feeTier
        self.accepted = accepted
    }

    /// Every verdict in the table.
    public static let all = VerdictFilter()
}

/// A position in the store's order, (verified_ms, id). Pages continue strictly after it, so a
/// verdict inserted later with an older `verified_ms` (another process, a clock step) can
/// never shift a page boundary and be shown twice; an `id` alone could not say where such a
/// row sorts.
public struct VerdictCursor: Sendable, Hashable, CustomStringConvertible {
    public var verifiedMs: Int64
    public var id: Int64

    public init(verifiedMs: Int64, id: Int64) {
        self.verifiedMs = verifiedMs
        self.id = id
    }

    /// `"<verified_ms>.<id>"`, for a URL query parameter (`?after=1764000000000.42`).
    public var description: String { "\(verifiedMs).\(id)" }

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let ms = Int64(parts[0]), let id = Int64(parts[1]) else { return nil }
        self.init(verifiedMs: ms, id: id)
    }
}

/// A verdict as stored: its row id, the record (without a template; the store never keeps
/// template bodies), and the `--explain` checks as the JSON array text that was stored.
public struct StoredVerdict: Sendable, Equatable {
    public var id: Int64
    public var record: VerdictRecord
    public var checksJSON: String?

    public init(id: Int64, record: VerdictRecord, checksJSON: String?) {
        self.id = id
        self.record = record
        self.checksJSON = checksJSON
    }

    public var cursor: VerdictCursor { VerdictCursor(verifiedMs: record.verifiedMs, id: id) }

    /// The NDJSON `verdict` record as stored: `VerdictRecord.encoded`'s field order, with the
    /// stored `checks` array (when there is one) in its place after `eval_us`, and no `template`.
    public func encoded() -> [UInt8] {
        var bytes = record.encoded()
        if let checksJSON {
            bytes.removeLast()                      // the closing brace
            bytes.append(contentsOf: Array(",\"checks\":".utf8))
            bytes.append(contentsOf: Array(checksJSON.utf8))
            bytes.append(UInt8(ascii: "}"))
        }
        return bytes
    }
}

/// One page of a query, oldest first, and where the next one starts (nil when this was the last).
public struct VerdictPage: Sendable, Equatable {
    public var verdicts: [StoredVerdict]
    public var next: VerdictCursor?

    public init(verdicts: [StoredVerdict], next: VerdictCursor?) {
        self.verdicts = verdicts
        self.next = next
    }
}

/// A verdict to insert, with its optional `--explain` checks.
public struct NewVerdict: Sendable, Equatable {
    public var record: VerdictRecord
    /// A JSON array (the `checks` member of a verdict record), or nil.
    public var checksJSON: String?

    public init(_ record: VerdictRecord, checksJSON: String? = nil) {
        self.record = record
        self.checksJSON = checksJSON
    }

    /// Encodes `checks` exactly as `VerdictRecord.encoded(checks:)` writes them.
    public init(_ record: VerdictRecord, checks: [Evaluation.Check]?) {
        self.record = record
        checksJSON = checks.map(NewVerdict.encode)
    }

    static func encode(_ checks: [Evaluation.Check]) -> String {
        var w = JSONWriter(capacity: 64 * checks.count + 2)
        w.beginArray()
        for check in checks {
            w.beginObject()
            w.field("code", check.code.rawValue)
            w.field("outcome", check.outcome.rawValue)
            w.field("value", check.value)
            w.field("limit", check.limit)
            w.endObject()
        }
        w.endArray()
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
