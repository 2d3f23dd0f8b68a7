import Testing
@testable import RGKit

@Suite struct MempoolMonitorTests {
    @Test func readsTheCountFromEachKnownShapeAndNeverInventsOne() {
        func count(_ json: String) -> Int64? { MempoolMonitor.txCount(in: Array(json.utf8)) }
        #expect(count(#"{"loaded":true,"size":4321,"bytes":1000000,"mempoolminfee":0.00001}"#) == 4321)   // bitcoind REST
        #expect(count(#"{"result":{"size":12,"bytes":10},"error":null,"id":1}"#) == 12)                    // JSON-RPC getmempoolinfo
        #expect(count(#"{"tx_count":7,"bytes":1,"min_fee_sat_kvb":1000}"#) == 7)                          // a ReserveGrid mempool object
        #expect(count(#"{"type":"template","mempool":{"tx_count":9}}"#) == 9)
        #expect(count(#"{"loaded":true}"#) == nil)                                                         // no count: unknown, not 0
        #expect(count(#"{"size":-1}"#) == nil)
        #expect(count("not json") == nil)
        #expect(count("[1]") == nil)
    }
}
