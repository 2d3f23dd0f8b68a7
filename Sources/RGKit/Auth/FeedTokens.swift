/// Bearer tokens for the feed relay, kept in a file as SHA-256 hashes only: the token itself is
/// shown once, when it is created. One JSON object per line:
/// `{"id","label","sha256","created_ms","revoked_ms"}`; the file is written atomically with
/// mode 0600.
public struct FeedTokens: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var label: String
        /// SHA-256 of the whole token text, lowercase hex.
        public var sha256: String
        public var createdMs: Int64
        public var revokedMs: Int64?
        public var isActive: Bool { revokedMs == nil }
    }

    public private(set) var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    /// Token text: `rgf_` + 64 hex digits of 32 random bytes.
    public static let prefix = "rgf_"

    /// Parses the file's lines; a bad line is an error naming it (the relay must not start with
    /// a half-read token list).
    public init(fileText: String) throws(ToolError) {
        var list: [Entry] = []
        for (index, line) in fileText.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty { continue }
            do throws(JSONError) {
                let r = try JSONObjectReader(try JSONDocument(trimmed).root, path: "")
                let entry = Entry(id: try r.requiredString("id"), label: try r.optionalString("label") ?? "",
                                  sha256: try r.requiredString("sha256"), createdMs: try r.optionalInt("created_ms") ?? 0,
                                  revokedMs: try r.optionalInt("revoked_ms"))
                guard entry.sha256.utf8.count == 64, Hex.isHex(entry.sha256) else {
                    throw JSONError(.wrongType, "sha256 must be 64 hex digits")
                }
                list.append(entry)
            } catch {
                throw ToolError(.usage, "token file line \(index + 1): \(error)")
            }
        }
        entries = list
    }

    public var fileText: String {
        entries.map { e in
            var w = JSONWriter()
            w.beginObject()
            w.field("id", e.id)
            w.field("label", e.label)
            w.field("sha256", e.sha256)
            w.field("created_ms", e.createdMs)
            w.field("revoked_ms", e.revokedMs)
            w.endObject()
            return String(decoding: w.bytes, as: UTF8.self)
        }.joined(separator: "\n") + (entries.isEmpty ? "" : "\n")
    }

    /// Creates a token; returns the entry and the token text (shown once, never stored).
    public mutating func add(label: String, nowMs: Int64, using rng: inout some RandomNumberGenerator) -> (Entry, String) {
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let token = FeedTokens.prefix + Hex.encode(secret)
        var id: String
        repeat { id = "t" + Hex.encode((0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }) } while entries.contains { $0.id == id }
        let entry = Entry(id: id, label: label, sha256: SHA256Hash.hash(Array(token.utf8)).hex, createdMs: nowMs, revokedMs: nil)
        entries.append(entry)
        return (entry, token)
    }

    /// Marks a token revoked; false when there is no such active token.
    public mutating func revoke(id: String, nowMs: Int64) -> Bool {
        guard let index = entries.firstIndex(where: { $0.id == id && $0.isActive }) else { return false }
        entries[index].revokedMs = nowMs
        return true
    }

    /// The active entry the presented token belongs to. Every active hash is compared in
    /// constant time, so the time taken does not reveal which (or whether any) matched.
    public func authenticate(_ presented: String) -> Entry? {
        let digest = SHA256Hash.hash(Array(presented.utf8)).bytes
        var match: Entry?
        for entry in entries where entry.isActive {
            guard let stored = try? Hex.decode(entry.sha256) else { continue }
            if ConstantTime.equals(stored, digest) && match == nil { match = entry }
        }
        return match
    }

    /// Whether the entry with `id` is still active (for closing revoked live connections).
    public func isActive(id: String) -> Bool { entries.contains { $0.id == id && $0.isActive } }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
