/// A parsed JSON text kept as its original bytes plus a flat "tape" of nodes that point into them.
///
/// Why not `JSONDecoder`: a mainnet template is ~2.8 MB of JSON and the verifier must handle 100
/// of them a second; Foundation decodes at ~137 MB/s. The tape parser validates the whole text
/// (grammar and UTF-8) but materialises nothing: strings and numbers are byte ranges decoded only
/// when a caller asks, and every container knows where it ends, so skipping a value is O(1) and
/// a value's exact original bytes can be copied through without re-encoding.
public struct JSONDocument: Sendable {
    public enum Kind: UInt8, Sendable { case object, array, string, number, bool, null }

    @usableFromInline
    struct Node: Sendable {
        var kind: Kind
        /// string: has escapes; number: is an integer (no fraction/exponent); bool: true.
        var flag: Bool
        /// For strings the range excludes the quotes; for containers it spans the brackets.
        var start: Int32
        var end: Int32
        /// Index of the node after this value's subtree (the next sibling, if any).
        var next: Int32
    }

    /// One reference-counted box, so copying a `JSONValue` costs one retain, not two.
    @usableFromInline
    final class Storage: Sendable {
        let bytes: [UInt8]
        let nodes: [Node]
        init(bytes: [UInt8], nodes: [Node]) {
            self.bytes = bytes
            self.nodes = nodes
        }
    }

    @usableFromInline let storage: Storage
    public var bytes: [UInt8] { storage.bytes }
    @usableFromInline var nodes: [Node] { storage.nodes }

    public static let defaultMaxDepth = 64

    /// Parses one JSON value that must fill the whole text (whitespace around it is allowed).
    public init(bytes: [UInt8], maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONError) {
        guard bytes.count < Int(Int32.max) else { throw JSONError(.outOfRange, "JSON text larger than 2 GiB") }
        var parser = JSONTapeParser(maxDepth: maxDepth)
        let result: Result<[Node], JSONError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONError) { return .success(try parser.parse(buffer)) } catch { return .failure(error) }
        }
        storage = Storage(bytes: bytes, nodes: try result.get())
    }

    public init(_ text: String, maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONError) {
        try self.init(bytes: Array(text.utf8), maxDepth: maxDepth)
    }

    public var root: JSONValue { JSONValue(document: self, index: 0) }
}

/// A reference to one value inside a `JSONDocument`.
public struct JSONValue: Sendable {
    public let document: JSONDocument
    @usableFromInline let index: Int

    @usableFromInline init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    @usableFromInline var node: JSONDocument.Node { document.nodes[index] }
    public var kind: JSONDocument.Kind { node.kind }
    public var isNull: Bool { node.kind == .null }

    /// The value's exact bytes in the original text (strings include their quotes).
    public var rawBytes: ArraySlice<UInt8> {
        let n = node
        if n.kind == .string { return document.bytes[Int(n.start) - 1 ..< Int(n.end) + 1] }
        return document.bytes[Int(n.start) ..< Int(n.end)]
    }

    public var byteRange: Range<Int> {
        let n = node
        return n.kind == .string ? Int(n.start) - 1 ..< Int(n.end) + 1 : Int(n.start) ..< Int(n.end)
    }

    // MARK: containers

    /// Members of an object in text order.
    public var members: JSONMembers { JSONMembers(document: document, object: index) }

    /// Elements of an array in text order.
    public var elements: JSONElements { JSONElements(document: document, array: index) }

    /// The value of `key`, or nil when absent (or when self is not an object). With duplicate
    /// keys the last one wins, as in most parsers.
    public subscript(key: String) -> JSONValue? {
        guard node.kind == .object else { return nil }
        var key = key
        return key.withUTF8 { keyBytes in
            var found: JSONValue?
            for (name, value) in members where name.equals(keyBytes) { found = value }
            return found
        }
    }

    // MARK: scalars

    /// The string's raw bytes without quotes, valid only when it has no escapes (hex, ids).
    public var unescapedStringBytes: ArraySlice<UInt8>? {
        let n = node
        guard n.kind == .string, !n.flag else { return nil }
        return document.bytes[Int(n.start) ..< Int(n.end)]
    }

    public var string: String? {
        let n = node
        guard n.kind == .string else { return nil }
        let raw = document.bytes[Int(n.start) ..< Int(n.end)]
        if !n.flag { return String(decoding: raw, as: UTF8.self) }
        return JSONStringDecoding.unescape(raw)
    }

    public var bool: Bool? { node.kind == .bool ? node.flag : nil }

    /// An integer-valued number (no fraction or exponent) that fits Int64.
    public var int64: Int64? {
        let n = node
        guard n.kind == .number, n.flag else { return nil }
        var value: Int64 = 0
        var i = Int(n.start)
        let end = Int(n.end)
        let negative = document.bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        while i < end {
            let digit = Int64(document.bytes[i] &- UInt8(ascii: "0"))
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        return value
    }

    /// A non-negative integer that fits UInt64 (TemplatePropose ids use the full range).
    public var uint64: UInt64? {
        let n = node
        guard n.kind == .number, n.flag, document.bytes[Int(n.start)] != UInt8(ascii: "-") else { return nil }
        var value: UInt64 = 0
        for i in Int(n.start) ..< Int(n.end) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(document.bytes[i] &- UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = s
        }
        return value
    }

    public var double: Double? {
        let n = node
        guard n.kind == .number else { return nil }
        return Double(String(decoding: document.bytes[Int(n.start) ..< Int(n.end)], as: UTF8.self))
    }

    /// The number's text, for exact decimal handling (BTC amounts).
    public var numberText: String? {
        let n = node
        guard n.kind == .number else { return nil }
        return String(decoding: document.bytes[Int(n.start) ..< Int(n.end)], as: UTF8.self)
    }
}

/// A member name inside the original bytes, compared without allocating.
public struct JSONKey: Sendable {
    let document: JSONDocument
    let index: Int

    public var string: String { JSONValue(document: document, index: index).string ?? "" }

    /// The name's bytes when it has no escapes (almost always), for allocation-free matching.
    public var rawUnescapedBytes: ArraySlice<UInt8>? { JSONValue(document: document, index: index).unescapedStringBytes }

    func equals(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = document.nodes[index]
        if n.flag { return string.utf8.elementsEqual(other) }
        let length = Int(n.end - n.start)
        guard length == other.count else { return false }
        return document.bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress, let o = other.baseAddress else { return length == 0 }
            return memcmp(base + Int(n.start), o, length) == 0
        }
    }
}

public struct JSONMembers: Sequence, Sendable {
    let document: JSONDocument
    let object: Int

    public struct Iterator: IteratorProtocol {
        let document: JSONDocument
        var cursor: Int
        let end: Int
        public mutating func next() -> (JSONKey, JSONValue)? {
            guard cursor < end else { return nil }
            let key = cursor
            let value = key + 1
            cursor = Int(document.nodes[value].next)
            return (JSONKey(document: document, index: key), JSONValue(document: document, index: value))
        }
    }

    public func makeIterator() -> Iterator {
        let n = document.nodes[object]
        guard n.kind == .object else { return Iterator(document: document, cursor: 0, end: 0) }
        return Iterator(document: document, cursor: object + 1, end: Int(n.next))
    }
}

public struct JSONElements: Sequence, Sendable {
    let document: JSONDocument
    let array: Int

    public struct Iterator: IteratorProtocol {
        let document: JSONDocument
        var cursor: Int
        let end: Int
        public mutating func next() -> JSONValue? {
            guard cursor < end else { return nil }
            let value = cursor
            cursor = Int(document.nodes[value].next)
            return JSONValue(document: document, index: value)
        }
    }

    public func makeIterator() -> Iterator {
        let n = document.nodes[array]
        guard n.kind == .array else { return Iterator(document: document, cursor: 0, end: 0) }
        return Iterator(document: document, cursor: array + 1, end: Int(n.next))
    }

    /// Number of elements (walks the sibling links, O(count)).
    public var count: Int { var c = 0; for _ in self { c += 1 }; return c }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
