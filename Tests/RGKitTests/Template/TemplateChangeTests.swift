import Foundation
import Testing
@testable import RGKit

@Suite struct TemplateChangeDetectorTests {
    @Test func onlyNewWorkCounts() {
        var detector = TemplateChangeDetector()
        #expect(detector.observe(id: "a", previousBlockHash: "p1", height: 10) == .first)
        #expect(detector.observe(id: "a", previousBlockHash: "p1", height: 10) == .unchanged)
        #expect(detector.observe(id: "b", previousBlockHash: "p1", height: 10) == .newTransactions)
        #expect(detector.observe(id: "c", previousBlockHash: "p2", height: 11) == .newTip)
        #expect(detector.observe(id: "c", previousBlockHash: "p2", height: 11) == .unchanged)
        // A reorg to a competing block at the same height is a new tip too.
        #expect(detector.observe(id: "d", previousBlockHash: "p2'", height: 11) == .newTip)
        #expect(detector.lastID == "d")
        #expect(!TemplateChangeDetector.Change.unchanged.isChange && TemplateChangeDetector.Change.newTip.isChange)
    }

    /// The same template fetched again, with a later curtime and another longpollid (what a
    /// node serves after it restarts), is not new work.
    @Test func perCallFieldsDoNotMakeATemplateNew() throws {
        var feed = DemoFeed(options: .init(seed: 3, txs: 20, scenario: .normal))
        let record = try TemplateRecord(json: try JSONDocument(bytes: feed.next(nowMs: 1_764_072_000_000).record).root)
        var detector = TemplateChangeDetector()
        #expect(detector.observe(record.gbt, id: TemplateID.compute(record.gbt)) == .first)
        var text = String(decoding: record.gbtJSON.rawBytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"curtime\":\(record.gbt.curTime)", with: "\"curtime\":\(record.gbt.curTime + 30)")
        let later = try BlockTemplate(json: try JSONDocument(text).root)
        #expect(later.curTime == record.gbt.curTime + 30)
        #expect(detector.observe(later, id: TemplateID.compute(later)) == .unchanged)
    }
}

@Suite struct MempoolInfoTests {
    @Test func coresGetMempoolInfoBecomesTheRecordsStats() throws {
        let core = #"{"loaded":true,"size":48211,"bytes":31500211,"usage":170001234,"total_fee":0.91234567,"maxmempool":300000000,"mempoolminfee":0.00001000,"minrelaytxfee":0.00001000,"incrementalrelayfee":0.00001000,"unbroadcastcount":0,"fullrbf":true}"#
        let stats = try MempoolStats(getMempoolInfo: try JSONDocument(core).root)
        #expect(stats == MempoolStats(txCount: 48_211, bytes: 31_500_211, minFeeSatPerKvB: 1_000))
    }

    @Test func anUnloadedOrCountlessMempoolIsUnknownNotZero() throws {
        #expect(try MempoolStats(getMempoolInfo: try JSONDocument(#"{"loaded":false,"size":0,"bytes":0}"#).root) == nil)
        #expect(try MempoolStats(getMempoolInfo: try JSONDocument(#"{"loaded":true,"bytes":5}"#).root) == nil)
        #expect(try MempoolStats(getMempoolInfo: try JSONDocument(#"{"size":0}"#).root) == MempoolStats(txCount: 0))
        #expect(throws: JSONError.self) { try MempoolStats(getMempoolInfo: try JSONDocument(#"{"size":"many"}"#).root) }
        #expect(throws: JSONError.self) { try MempoolStats(getMempoolInfo: try JSONDocument(#"{"size":1,"mempoolminfee":"cheap"}"#).root) }
    }

    @Test func btcDecimalsConvertExactly() {
        let cases: [(String, Int64?)] = [("0.00001000", 1_000), ("0.00001", 1_000), ("1e-05", 1_000), ("1.0E-5", 1_000), ("21000000", 2_100_000_000_000_000),
                                         ("0.1", 10_000_000), ("0", 0), ("0.00000001", 1), ("-0.5", -50_000_000), ("0.000000001", nil),
                                         ("0.000000010", 1), ("abc", nil), ("", nil), ("1..0", nil), ("1e999", nil), ("92233720368.54775808", nil)]
        for (text, expected) in cases { #expect(BitcoinAmount.satoshis(decimal: text) == expected, "\(text)") }
        #expect(BitcoindMethods.btcDecimal(1_000) == "0.00001000")
        #expect(BitcoindMethods.btcDecimal(150_000_000) == "1.50000000")
    }
}
