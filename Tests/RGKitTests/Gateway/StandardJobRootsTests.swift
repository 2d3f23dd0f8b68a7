import Testing
@testable import RGKit

/// A new tip's per-channel merkle roots, computed on several threads, are exactly the roots
/// computed one by one, in channel order.
@Suite struct StandardJobRootsTests {
    static let now = GatewayFixtures.now

    static func template(txs: Int = 40) throws -> JobTemplate {
        var feed = GatewayFixtures.Feed(network: .mainnet, txs: txs)
        let (id, t) = try feed.next(nowMs: now)
        let core = GatewayCore(configuration: GatewayFixtures.configuration(), nowMs: now)
        return try core.prepare(t, templateID: id, receivedMs: now)
    }

    @Test func parallelRootsEqualSequentialRoots() throws {
        let t = try Self.template()
        let extranonces: [[UInt8]] = (0..<3_001).map { i in
            withUnsafeBytes(of: UInt64(i).bigEndian) { Array($0) } + [0, 0, 0, 0]
        }
        let sequential = extranonces.map { t.merkleRoot(extranonce: $0).wire }
        #expect(Set(sequential).count == extranonces.count)          // every extranonce its own root
        for workers in [1, 2, 3, 8] {
            #expect(StandardJobRoots.compute(t, extranonces: extranonces, workers: workers) == sequential, "workers: \(workers)")
        }
        let few = Array(extranonces.prefix(10))
        #expect(StandardJobRoots.compute(t, extranonces: few, workers: 4) == Array(sequential.prefix(10)))
        #expect(StandardJobRoots.compute(t, extranonces: [], workers: 4).isEmpty)
    }

    @Test func aCoreOnTwoThreadsSendsTheSameJobsAsOnOne() throws {
        func fanout(workers: Int) throws -> [(ConnectionID, SV2Message)] {
            var configuration = GatewayFixtures.configuration()
            configuration.jobRootWorkers = workers
            var core = GatewayCore(configuration: configuration, nowMs: Self.now)
            for connection in 1...1_200 {
                let open: [GatewayAction]
                if connection % 5 == 0 {
                    open = core.openExtendedChannel(OpenExtendedMiningChannel(
                        requestID: 1, userIdentity: try Str0_255("ext\(connection)"), nominalHashRate: 0,
                        maxTarget: GatewayFixtures.easiest, minExtranonceSize: 4), connection: ConnectionID(connection), nowMs: Self.now)
                } else {
                    open = core.openStandardChannel(GatewayFixtures.openStandard(user: "m\(connection)"), connection: ConnectionID(connection),
                                                    nowMs: Self.now)
                }
                #expect(!open.isEmpty)
            }
            return core.judgedTemplateArrived(try Self.template(), accepted: true, reasonCode: nil, nowMs: Self.now + 1).sentMessages
        }
        let one = try fanout(workers: 1)
        let two = try fanout(workers: 2)
        #expect(one.count == 2 * 1_200)                               // a future job and its SetNewPrevHash each
        #expect(one.map(\.0) == two.map(\.0))
        #expect(one.map { "\($0.1)" } == two.map { "\($0.1)" })
    }
}
