/// Why bytes from outside could not be decoded. Equality compares `code` only, so tests can say
/// `#expect(throws: DecodeError(.nonMinimal))` without repeating the offset or the detail.
public struct DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case truncated
        case nonMinimal = "non_minimal"
        case tooLarge = "too_large"
        case invalidHex = "invalid_hex"
        case invalidValue = "invalid_value"
        case trailingBytes = "trailing_bytes"
        case invalidUTF8 = "invalid_utf8"
    }

    public let code: Code
    public let offset: Int?
    public let detail: String

    public init(_ code: Code, at offset: Int? = nil, _ detail: String = "") {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public static func == (lhs: DecodeError, rhs: DecodeError) -> Bool { lhs.code == rhs.code }

    public var description: String {
        var text = code.rawValue
        if let offset { text += " at byte \(offset)" }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }
}
