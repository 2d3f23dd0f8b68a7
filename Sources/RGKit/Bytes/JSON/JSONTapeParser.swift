/// The recursive-descent parser behind `JSONDocument`. Depth is bounded, so recursion is safe
/// on hostile input; strings are scanned eight bytes at a time and only bytes that need a
/// closer look (quote, backslash, control, non-ASCII) leave the fast loop.
struct JSONTapeParser {
    let maxDepth: Int
    private var nodes: [JSONDocument.Node] = []
    private var p: UnsafePointer<UInt8>! = nil
    private var base: UnsafePointer<UInt8>! = nil
    private var end: UnsafePointer<UInt8>! = nil

    init(maxDepth: Int) { self.maxDepth = maxDepth }

    mutating func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONError) -> [JSONDocument.Node] {
        guard let start = buffer.baseAddress, buffer.count > 0 else { throw JSONError(.truncated, at: 0, "empty input") }
        base = start
        p = start
        end = start + buffer.count
        nodes.reserveCapacity(max(16, buffer.count / 24))
        skipWhitespace()
        try parseValue(depth: 0)
        skipWhitespace()
        guard p == end else { throw error(.syntax, "unexpected data after the JSON value") }
        return nodes
    }

    private var offset: Int { p - base }

    private func error(_ code: JSONError.Code, _ detail: String) -> JSONError { JSONError(code, at: offset, detail) }

    private mutating func skipWhitespace() {
        while p < end {
            switch p.pointee {
            case 0x20, 0x0A, 0x0D, 0x09: p += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONError) {
        guard p < end else { throw error(.truncated, "expected a value") }
        switch p.pointee {
        case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", kind: .bool, flag: true)
        case UInt8(ascii: "f"): try parseLiteral("false", kind: .bool, flag: false)
        case UInt8(ascii: "n"): try parseLiteral("null", kind: .null, flag: false)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default: throw error(.syntax, "unexpected character '\(printable(p.pointee))'")
        }
    }

    private func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + Hex.encode([byte])
    }

    private mutating func openContainer(_ kind: JSONDocument.Kind, depth: Int) throws(JSONError) -> Int {
        guard depth <= maxDepth else { throw error(.tooDeep, "nesting deeper than \(maxDepth)") }
        let index = nodes.count
        nodes.append(.init(kind: kind, flag: false, start: Int32(offset), end: 0, next: 0))
        p += 1
        return index
    }

    private mutating func closeContainer(_ index: Int) {
        p += 1
        nodes[index].end = Int32(offset)
        nodes[index].next = Int32(nodes.count)
    }

    private mutating func parseObject(depth: Int) throws(JSONError) {
        let index = try openContainer(.object, depth: depth)
        skipWhitespace()
        guard p < end else { throw error(.truncated, "unterminated object") }
        if p.pointee == UInt8(ascii: "}") { closeContainer(index); return }
        while true {
            guard p < end else { throw error(.truncated, "unterminated object") }
            guard p.pointee == UInt8(ascii: "\"") else { throw error(.syntax, "expected a member name") }
            try parseString()
            skipWhitespace()
            guard p < end else { throw error(.truncated, "unterminated object") }
            guard p.pointee == UInt8(ascii: ":") else { throw error(.syntax, "expected ':' after a member name") }
            p += 1
            skipWhitespace()
            try parseValue(depth: depth)
            skipWhitespace()
            guard p < end else { throw error(.truncated, "unterminated object") }
            if p.pointee == UInt8(ascii: ",") { p += 1; skipWhitespace(); continue }
            if p.pointee == UInt8(ascii: "}") { closeContainer(index); return }
            throw error(.syntax, "expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONError) {
        let index = try openContainer(.array, depth: depth)
        skipWhitespace()
        guard p < end else { throw error(.truncated, "unterminated array") }
        if p.pointee == UInt8(ascii: "]") { closeContainer(index); return }
        while true {
            try parseValue(depth: depth)
            skipWhitespace()
            guard p < end else { throw error(.truncated, "unterminated array") }
            if p.pointee == UInt8(ascii: ",") { p += 1; skipWhitespace(); continue }
            if p.pointee == UInt8(ascii: "]") { closeContainer(index); return }
            throw error(.syntax, "expected ',' or ']' in an array")
        }
    }

    private mutating func parseLiteral(_ word: StaticString, kind: JSONDocument.Kind, flag: Bool) throws(JSONError) {
        let length = word.utf8CodeUnitCount
        guard end - p >= length else { throw error(.truncated, "truncated literal") }
        guard memcmp(p, word.utf8Start, length) == 0 else { throw error(.syntax, "invalid literal") }
        let start = offset
        p += length
        nodes.append(.init(kind: kind, flag: flag, start: Int32(start), end: Int32(offset), next: Int32(nodes.count + 1)))
    }

    private mutating func parseNumber() throws(JSONError) {
        let start = offset
        var isInteger = true
        if p.pointee == UInt8(ascii: "-") { p += 1 }
        guard p < end else { throw error(.truncated, "truncated number") }
        if p.pointee == UInt8(ascii: "0") {
            p += 1
        } else if isDigit(p.pointee) {
            while p < end && isDigit(p.pointee) { p += 1 }
        } else {
            throw error(.syntax, "invalid number")
        }
        if p < end && p.pointee == UInt8(ascii: ".") {
            isInteger = false
            p += 1
            guard p < end, isDigit(p.pointee) else { throw error(.syntax, "invalid number: digit expected after '.'") }
            while p < end && isDigit(p.pointee) { p += 1 }
        }
        if p < end && (p.pointee == UInt8(ascii: "e") || p.pointee == UInt8(ascii: "E")) {
            isInteger = false
            p += 1
            if p < end && (p.pointee == UInt8(ascii: "+") || p.pointee == UInt8(ascii: "-")) { p += 1 }
            guard p < end, isDigit(p.pointee) else { throw error(.syntax, "invalid number: exponent digits expected") }
            while p < end && isDigit(p.pointee) { p += 1 }
        }
        nodes.append(.init(kind: .number, flag: isInteger, start: Int32(start), end: Int32(offset), next: Int32(nodes.count + 1)))
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    private mutating func parseString() throws(JSONError) {
        p += 1  // opening quote
        let start = offset
        var escaped = false
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while true {
            // Fast path: eight plain ASCII bytes at a time.
            while end - p >= 8 {
                let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                let quote = word ^ (ones &* 0x22)
                let slash = word ^ (ones &* 0x5C)
                let special = ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash) | ((word &- ones &* 0x20) & ~word) | word
                if special & highs != 0 { break }
                p += 8
            }
            guard p < end else { throw error(.truncated, "unterminated string") }
            let c = p.pointee
            if c == UInt8(ascii: "\"") {
                nodes.append(.init(kind: .string, flag: escaped, start: Int32(start), end: Int32(offset), next: Int32(nodes.count + 1)))
                p += 1
                return
            } else if c == UInt8(ascii: "\\") {
                escaped = true
                try skipEscape()
            } else if c < 0x20 {
                throw error(.syntax, "control character in a string")
            } else if c >= 0x80 {
                try skipUTF8Sequence()
            } else {
                p += 1
            }
        }
    }

    private mutating func skipEscape() throws(JSONError) {
        guard end - p >= 2 else { throw error(.truncated, "truncated escape") }
        switch p[1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            p += 2
        case UInt8(ascii: "u"):
            guard end - p >= 6 else { throw error(.truncated, "truncated \\u escape") }
            for i in 2..<6 where Hex.nibble(p[i]) == nil { throw error(.syntax, "invalid \\u escape") }
            p += 6
        default:
            throw error(.syntax, "invalid escape")
        }
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, ≤ U+10FFFF).
    private mutating func skipUTF8Sequence() throws(JSONError) {
        let c = p.pointee
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch c {
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(c & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(c & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x1_0000; scalar = UInt32(c & 0x07)
        default: throw error(.invalidUTF8, "invalid UTF-8 lead byte")
        }
        guard end - p >= length else { throw error(.invalidUTF8, "truncated UTF-8 sequence") }
        for i in 1..<length {
            let b = p[i]
            guard b & 0xC0 == 0x80 else { throw error(.invalidUTF8, "invalid UTF-8 continuation byte") }
            scalar = scalar << 6 | UInt32(b & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10_FFFF, !(0xD800...0xDFFF).contains(scalar) else {
            throw error(.invalidUTF8, "invalid UTF-8 scalar")
        }
        p += length
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
