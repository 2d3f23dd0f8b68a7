/// Why a JSON text could not be parsed, or a value did not have the expected shape.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case syntax = "invalid_json"
        case truncated = "truncated_json"
        case tooDeep = "json_too_deep"
        case invalidUTF8 = "invalid_utf8"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case outOfRange = "out_of_range"
    }

    public let code: Code
    public let offset: Int?
    public let detail: String

    public init(_ code: Code, at offset: Int? = nil, _ detail: String = "") {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public static func == (lhs: JSONError, rhs: JSONError) -> Bool { lhs.code == rhs.code }

    public var description: String {
        var text = code.rawValue
        if !detail.isEmpty { text += ": \(detail)" }
        if let offset { text += " (byte \(offset))" }
        return text
    }
}
