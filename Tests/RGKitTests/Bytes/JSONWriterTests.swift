import Testing
@testable import RGKit

/// The record writer: commas at every depth (a bit stack for the first 64, an array beyond),
/// values spelled as before, and records written into an existing buffer byte for byte as
/// when written on their own.
@Suite struct JSONWriterTests {
    @Test func commasAreRightAtEveryDepthIncludingPastSixtyFour() throws {
        for depth in [1, 2, 63, 64, 65, 100] {
            var w = JSONWriter()
            for _ in 0..<depth { w.beginArray(); w.int(1) }
            for _ in 0..<depth { w.int(2); w.endArray() }

            // Each level: "[1," then the inner level, then ",2]": [1,[1,2],2] at depth 2.
            var nested = ""
            for level in 0..<depth { nested = level == 0 ? "[1,2]" : "[1,\(nested),2]" }
            #expect(String(decoding: w.bytes, as: UTF8.self) == nested, "depth \(depth)")
            let doc = try JSONDocument(bytes: w.bytes, maxDepth: 200)
            #expect(doc.root.kind == .array)
        }
    }

    @Test func objectsInsideArraysKeepTheirOwnCommas() {
        var w = JSONWriter()
        w.beginObject()
        w.key("a"); w.beginArray(); w.beginObject(); w.field("x", 1 as Int); w.field("y", true); w.endObject()
        w.beginObject(); w.endObject(); w.null(); w.endArray()
        w.field("b", "q\"uote")
        w.field("c", nil as Double?)
        w.endObject()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a":[{"x":1,"y":true},{},null],"b":"q\"uote","c":null}"#)
    }

    @Test func doublesAreSpelledAsSwiftDescribesThem() {
        for value in [0.5, 1e-9, 123_456.789, 1e300, -2.5e-7, 3.0, -0.0, 999_999_999_999_999.0, 1e15, 1e16, 4.2949672950000005e-10] {
            var w = JSONWriter()
            w.double(value)
            let expected = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
            #expect(String(decoding: w.bytes, as: UTF8.self) == expected, "\(value)")
        }
        var w = JSONWriter()
        w.beginArray(); w.double(.nan); w.double(.infinity); w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == "[null,null]")
    }

    @Test func aShareRecordWrittenIntoABufferIsTheRecordOnItsOwn() {
        let record = ShareRecord(channelID: 7, worker: "alice.rig1", jobID: 3, templateID: "t-1", sequenceNumber: 9, nonce: 0xDEAD_BEEF,
                                 ntime: 1_764_072_000, version: 0x2000_0000, extranonce: nil, difficulty: 1e-9,
                                 shareDifficulty: 2.345678901234e-7, accepted: true, reasonCode: nil,
                                 hash: String(repeating: "0a", count: 32), block: false, submittedMs: 1_764_072_000_123)
        let earlier = Array(#"{"type":"channel"}"#.utf8) + [0x0A]
        var buffer = earlier
        GatewayRecord.share(record).encode(appendingTo: &buffer)
        #expect(buffer == earlier + record.encoded())
        // Other records go through their own encoder.
        let rejected = ShareRecord(channelID: 1, worker: nil, jobID: 0, templateID: nil, sequenceNumber: 0, nonce: 0, ntime: 0,
                                   version: 0, extranonce: "00ff", difficulty: nil, shareDifficulty: nil, accepted: false,
                                   reasonCode: "unknown-job", hash: nil, block: false, submittedMs: 0)
        var second: [UInt8] = []
        GatewayRecord.share(rejected).encode(appendingTo: &second)
        #expect(second == rejected.encoded())
        #expect(String(decoding: second, as: UTF8.self).contains(#""difficulty":null,"share_difficulty":null,"accepted":false"#))
    }
}
