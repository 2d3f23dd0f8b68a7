import Foundation
import Testing
@testable import RGKit

@Suite struct JSONDocumentTests {
    @Test func parsesNestedValuesAndKeepsTheirOriginalBytes() throws {
        let text = #" {"a": [1, -2.5e3, "x\"y", true, null], "b": {"c": "\u00e9t\u00E9"}, "a2": 0} "#
        let doc = try JSONDocument(text)
        let root = doc.root
        #expect(root.kind == .object)
        let a = try #require(root["a"])
        #expect(a.elements.count == 5)
        let items = Array(a.elements)
        #expect(items[0].int64 == 1)
        #expect(items[1].int64 == nil)
        #expect(items[1].double == -2500)
        #expect(items[2].string == "x\"y")
        #expect(items[3].bool == true)
        #expect(items[4].isNull)
        #expect(root["b"]?["c"]?.string == "été")
        #expect(String(decoding: root["b"]!.rawBytes, as: UTF8.self) == #"{"c": "\u00e9t\u00E9"}"#)
        #expect(root["missing"] == nil)
        #expect(root["a2"]?.int64 == 0)
    }

    @Test func agreesWithFoundationOnRandomDocuments() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<300 {
            let value = randomJSON(&rng, depth: 0)
            let data = try JSONSerialization.data(withJSONObject: ["v": value], options: [.fragmentsAllowed])
            let doc = try JSONDocument(bytes: [UInt8](data))
            let back = toFoundation(doc.root)
            let reference = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            // Compared through a canonical re-serialisation: Foundation's bridged equality is unreliable on Linux.
            let canonical = { (x: Any) throws -> Data in try JSONSerialization.data(withJSONObject: x, options: [.sortedKeys, .fragmentsAllowed]) }
            #expect(try canonical(back) == canonical(reference))
        }
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{\"a\":}", "01", "1.", "-", "tru", "\"abc", "\"a\u{01}b\"", "[1] 2",
        "{\"a\":1,}", "\"\\x\"", "\"\\u12\"", "nul",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONError.self) { try JSONDocument(text) }
    }

    @Test func rejectsInvalidUTF8AndOverlongForms() {
        for bad: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            #expect(throws: JSONError(.invalidUTF8)) { try JSONDocument(bytes: bad) }
        }
        #expect(throws: Never.self) { try JSONDocument(bytes: [0x22, 0xE2, 0x82, 0xAC, 0x22]) }
    }

    @Test func boundsNestingDepth() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONError(.tooDeep)) { try JSONDocument(deep) }
        #expect(throws: Never.self) { try JSONDocument(deep, maxDepth: 100) }
    }

    @Test func int64OverflowIsNil() throws {
        #expect(try JSONDocument("9223372036854775807").root.int64 == Int64.max)
        #expect(try JSONDocument("-9223372036854775808").root.int64 == Int64.min)
        #expect(try JSONDocument("9223372036854775808").root.int64 == nil)
    }

    @Test func writerProducesParseableRecordsWithEscapes() throws {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "verdict")
        w.field("n", 42)
        w.key("list"); w.beginArray(); w.string("a\"b\n"); w.int(1); w.null(); w.endArray()
        w.key("inner"); w.beginObject(); w.field("x", 1.5); w.field("none", nil as String?); w.endObject()
        w.key("raw"); w.raw(Array(#"{"k":[1,2]}"#.utf8))
        w.endObject()
        let doc = try JSONDocument(bytes: w.bytes)
        #expect(doc.root["type"]?.string == "verdict")
        #expect(doc.root["list"].map { Array($0.elements) }?.first?.string == "a\"b\n")
        #expect(doc.root["inner"]?["x"]?.double == 1.5)
        #expect(doc.root["inner"]?["none"]?.isNull == true)
        #expect(doc.root["raw"]?["k"]?.elements.count == 2)
    }

    private func toFoundation(_ v: JSONValue) -> Any {
        switch v.kind {
        case .object: var d: [String: Any] = [:]; for (k, x) in v.members { d[k.string] = toFoundation(x) }; return d
        case .array: return v.elements.map(toFoundation)
        case .string: return v.string!
        case .number: return v.int64.map { NSNumber(value: $0) } ?? NSNumber(value: v.double!)
        case .bool: return v.bool!
        case .null: return NSNull()
        }
    }

    private func randomJSON(_ rng: inout SplitMix64, depth: Int) -> Any {
        switch rng.next() % (depth > 3 ? 4 : 6) {
        case 0: return Int64(bitPattern: rng.next()) >> Int64(rng.next() % 60)
        case 1: return "s\(rng.next() % 1000)\u{e9}\"\\\n\u{1F600}"
        case 2: return "plain"
        case 3: return Double(rng.next() % 100_000) / 7.0
        case 4: return (0..<Int(rng.next() % 5)).map { _ in randomJSON(&rng, depth: depth + 1) }
        default:
            var d: [String: Any] = [:]
            for i in 0..<Int(rng.next() % 5) { d["k\(i)"] = randomJSON(&rng, depth: depth + 1) }
            return d
        }
    }
}

