/// An e-mail address as accounts use it: validated, and normalised to a key (trimmed,
/// lowercased) so one mailbox cannot hold two accounts by changing case — the reference's
/// case-sensitive UNIQUE did allow that.
public struct EmailAddress: Sendable, Equatable, CustomStringConvertible {
    /// As entered (trimmed): what mail is sent to and what the user sees.
    public let address: String
    /// Lowercased: what is unique in the store.
    public let key: String

    /// Accepts `local@domain.tld` with no whitespace or control characters, one '@', a local
    /// part of 1…64 and a whole address of ≤ 254 bytes, a domain of dot-separated labels with
    /// a top-level label of at least two letters. Returns nil otherwise.
    public init?(_ text: String) {
        let trimmed = String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }.reversed())
        guard trimmed.utf8.count <= 254 else { return nil }
        guard !trimmed.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" || $0 == "\"" || $0 == "\\" }) else { return nil }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = parts[0], domain = parts[1]
        guard (1...64).contains(local.utf8.count), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        for label in labels {
            guard (1...63).contains(label.utf8.count), !label.hasPrefix("-"), !label.hasSuffix("-") else { return nil }
            guard label.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }) else { return nil }
        }
        guard let tld = labels.last, tld.count >= 2, tld.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else { return nil }
        address = trimmed
        key = trimmed.lowercased()
    }

    public var description: String { address }
}
