import Testing
@testable import RGKit

/// The core handing a release's jobs to the shell run by run (`GatewayActionHandoff`) must
/// change when the shell sees them, never what it sees: the same actions in the same order as
/// without a handoff, split only between channels, each run at most `fanoutRunChannels`
/// channels.
@Suite struct FanoutHandoffTests {
    static let now = GatewayFixtures.now
    static let channelCount = 2_600
    static let runChannels = 1_000

    /// A core with `channelCount` channels, every fifth one extended, and a hole every 97th
    /// slot (closed channels) so runs are not all full.
    static func core() throws -> GatewayCore {
        var configuration = GatewayFixtures.configuration()
        configuration.fanoutRunChannels = runChannels
        configuration.jobRootWorkers = 2
        var core = GatewayCore(configuration: configuration, nowMs: now)
        for connection in 1...channelCount {
            let id = ConnectionID(connection)
            if connection % 5 == 0 {
                _ = core.openExtendedChannel(OpenExtendedMiningChannel(
                    requestID: 1, userIdentity: try Str0_255("ext\(connection)"), nominalHashRate: 0,
                    maxTarget: GatewayFixtures.easiest, minExtranonceSize: 4), connection: id, nowMs: now)
            } else {
                _ = core.openStandardChannel(GatewayFixtures.openStandard(user: "m\(connection)"), connection: id, nowMs: now)
            }
        }
        for connection in stride(from: 97, through: channelCount, by: 97) {
            _ = core.connectionClosed(ConnectionID(connection), nowMs: now)
        }
        return core
    }

    struct Release {
        var runs: [[GatewayAction]]
        var rest: [GatewayAction]
        var all: [GatewayAction] { runs.flatMap { $0 } + rest }
    }

    /// Feeds a new tip, then a fresher template on it, to `core`, with or without a handoff.
    static func releases(_ core: inout GatewayCore, handingOff: Bool) throws -> [Release] {
        var feed = GatewayFixtures.Feed(network: .mainnet, txs: 8)
        let (id, raw) = try feed.next(nowMs: now)
        let tip = try core.prepare(raw, templateID: id, receivedMs: now)
        let fresher = try core.prepare(JobLifecycleTests.refresh(raw), templateID: id + "-r", receivedMs: now + 30_000)
        var out: [Release] = []
        for (template, ms) in [(tip, now + 1), (fresher, now + 30_001)] {
            var runs: [[GatewayAction]] = []
            let rest = core.judgedTemplateArrived(template, accepted: true, reasonCode: nil, nowMs: ms,
                                                  handoff: handingOff ? { runs.append($0) } : nil)
            out.append(Release(runs: runs, rest: rest))
        }
        return out
    }

    @Test func handedOffRunsAreTheSameActionsInTheSameOrderAsAllAtOnce() throws {
        var whole = try Self.core(), split = try Self.core()
        let expected = try Self.releases(&whole, handingOff: false)
        let got = try Self.releases(&split, handingOff: true)
        let open = Self.channelCount - Self.channelCount / 97
        for (e, g) in zip(expected, got) {
            #expect(e.runs.isEmpty)
            #expect(g.runs.count == (Self.channelCount - 1) / Self.runChannels)   // runs are of slots; the last comes back as the return value
            #expect(g.all.count == e.all.count)
            #expect(g.all.map { "\($0)" } == e.all.map { "\($0)" })
        }
        #expect(expected[0].all.sentMessages.count == 2 * open)          // a future job and its SetNewPrevHash each
        #expect(expected[1].all.sentMessages.count == open)              // one job with min_ntime each
    }

    @Test func noChannelsMessagesSpanTwoRunsAndNoRunIsLongerThanConfigured() throws {
        var core = try Self.core()
        for release in try Self.releases(&core, handingOff: true) {
            var runOfConnection: [ConnectionID: Int] = [:]
            for (index, run) in (release.runs + [release.rest]).enumerated() {
                let connections = Set(run.sentMessages.map(\.0))
                #expect(connections.count <= Self.runChannels)
                for connection in connections {
                    #expect(runOfConnection.updateValue(index, forKey: connection) == nil, "connection \(connection)")
                }
            }
            // The job record, which counts every channel, comes after the last job.
            guard case .record(.job(let record)) = release.rest.last else {
                Issue.record("the job record should close the release"); continue
            }
            #expect(record.channels == runOfConnection.count)
        }
    }
}
