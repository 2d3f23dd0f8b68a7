/// Typed access to the members of a JSON object, with errors that name the field's path
/// (`gbt.transactions[17].fee: expected an integer, got a string`).
public struct JSONObjectReader: Sendable {
    public let value: JSONValue
    private let basePath: String
    /// An element index appended to the path, kept apart so that decoding thousands of array
    /// elements builds no path strings unless one of them fails.
    private let index: Int?

    public init(_ value: JSONValue, path: String, index: Int? = nil) throws(JSONError) {
        self.value = value
        basePath = path
        self.index = index
        guard value.kind == .object else {
            throw JSONError(.wrongType, "\(self.path.isEmpty ? "record" : self.path): expected an object, got \(value.kind.noun)")
        }
    }

    public var path: String { index.map { "\(basePath)[\($0)]" } ?? basePath }

    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func has(_ key: String) -> Bool { value[key] != nil }

    /// The member, treating JSON null as absent.
    public func optionalValue(_ key: String) -> JSONValue? {
        guard let v = value[key], !v.isNull else { return nil }
        return v
    }

    public func requiredValue(_ key: String) throws(JSONError) -> JSONValue {
        guard let v = optionalValue(key) else { throw JSONError(.missingField, "missing \"\(fieldPath(key))\"") }
        return v
    }

    public func optionalInt(_ key: String, in range: ClosedRange<Int64> = Int64.min...Int64.max) throws(JSONError) -> Int64? {
        guard let v = optionalValue(key) else { return nil }
        guard v.kind == .number else { throw wrongType(key, "an integer", v) }
        guard let n = v.int64 else {
            if v.double.map({ $0 == $0.rounded() }) == true {
                throw JSONError(.outOfRange, "\(fieldPath(key)): \(v.numberText ?? "") does not fit a 64-bit integer")
            }
            throw wrongType(key, "an integer", v)
        }
        guard range.contains(n) else { throw JSONError(.outOfRange, "\(fieldPath(key)): \(n) is outside \(range.lowerBound)…\(range.upperBound)") }
        return n
    }

    public func requiredInt(_ key: String, in range: ClosedRange<Int64> = Int64.min...Int64.max) throws(JSONError) -> Int64 {
        guard let n = try optionalInt(key, in: range) else { throw JSONError(.missingField, "missing \"\(fieldPath(key))\"") }
        return n
    }

    public func optionalDouble(_ key: String) throws(JSONError) -> Double? {
        guard let v = optionalValue(key) else { return nil }
        guard let d = v.double else { throw wrongType(key, "a number", v) }
        return d
    }

    public func optionalString(_ key: String) throws(JSONError) -> String? {
        guard let v = optionalValue(key) else { return nil }
        guard let s = v.string else { throw wrongType(key, "a string", v) }
        return s
    }

    public func requiredString(_ key: String) throws(JSONError) -> String {
        guard let s = try optionalString(key) else { throw JSONError(.missingField, "missing \"\(fieldPath(key))\"") }
        return s
    }

    public func optionalBool(_ key: String) throws(JSONError) -> Bool? {
        guard let v = optionalValue(key) else { return nil }
        guard let b = v.bool else { throw wrongType(key, "true or false", v) }
        return b
    }

    public func optionalArray(_ key: String) throws(JSONError) -> JSONValue? {
        guard let v = optionalValue(key) else { return nil }
        guard v.kind == .array else { throw wrongType(key, "an array", v) }
        return v
    }

    public func optionalObject(_ key: String) throws(JSONError) -> JSONObjectReader? {
        guard let v = optionalValue(key) else { return nil }
        return try JSONObjectReader(v, path: fieldPath(key))
    }

    /// A hex string that must decode; its raw bytes are returned without a String copy.
    public func optionalHex(_ key: String) throws(JSONError) -> [UInt8]? {
        guard let v = optionalValue(key) else { return nil }
        guard v.kind == .string else { throw wrongType(key, "a hex string", v) }
        guard let raw = v.unescapedStringBytes else { throw JSONError(.wrongType, "\(fieldPath(key)): not a hex string") }
        let decoded: [UInt8]? = raw.withUnsafeBytes { try? Hex.decode($0) }
        guard let decoded else { throw JSONError(.wrongType, "\(fieldPath(key)): not a hex string") }
        return decoded
    }

    public func wrongType(_ key: String, _ expected: String, _ got: JSONValue) -> JSONError {
        JSONError(.wrongType, "\(fieldPath(key)): expected \(expected), got \(got.kind.noun)")
    }
}

extension JSONDocument.Kind {
    public var noun: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}
