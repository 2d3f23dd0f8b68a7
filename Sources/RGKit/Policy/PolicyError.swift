/// A policy file that cannot be used. The message names the file, the key and its line, the
/// rule broken, and what would fix it.
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreadable = "policy_unreadable"
        case syntax = "policy_syntax"
        case unknownKey = "policy_unknown_key"
        case wrongType = "policy_wrong_type"
        case invalidValue = "policy_invalid_value"
        case missingTable = "policy_missing_table"
    }

    public let code: Code
    public let key: String?
    public let line: Int?
    public let message: String
    public var file: String?

    public init(_ code: Code, key: String? = nil, line: Int? = nil, _ message: String, file: String? = nil) {
        self.code = code
        self.key = key
        self.line = line
        self.message = message
        self.file = file
    }

    public static func == (lhs: PolicyError, rhs: PolicyError) -> Bool { lhs.code == rhs.code && lhs.key == rhs.key }

    public var description: String {
        var location = file ?? "policy"
        if let line { location += ":\(line)" }
        return "\(location): \(message)"
    }
}
