import Testing
@testable import RGKit

@Suite struct NetworkTests {
    @Test func mainnetSubsidySchedule() {
        let n = Network.mainnet
        #expect(n.subsidy(height: 0) == 5_000_000_000)
        #expect(n.subsidy(height: 209_999) == 5_000_000_000)
        #expect(n.subsidy(height: 210_000) == 2_500_000_000)
        #expect(n.subsidy(height: 702_861) == 625_000_000)
        #expect(n.subsidy(height: 840_000) == 312_500_000)
        #expect(n.subsidy(height: 1_049_999) == 312_500_000)
        #expect(n.subsidy(height: 1_050_000) == 156_250_000)
        #expect(n.subsidy(height: 33 * 210_000 - 1) == 1)          // the last satoshi
        #expect(n.subsidy(height: 33 * 210_000) == 0)
        #expect(n.subsidy(height: 64 * 210_000) == 0)
        #expect(n.subsidy(height: Int.max) == 0)
        #expect(n.subsidy(height: -1) == 0)
    }

    /// 702861's coinbase pays subsidy + fees: 629,948,405 = 625,000,000 + 4,948,405 (data README).
    @Test func block702861PaysSubsidyPlusFees() throws {
        let block = try Block(bytes: try BitcoinFixtures.block702861Bytes())
        let paid = block.transactions[0].outputs.reduce(0) { $0 + $1.valueSat }
        #expect(paid - Network.mainnet.subsidy(height: 702_861) == 4_948_405)
    }

    @Test func regtestHalvesEvery150Blocks() {
        #expect(Network.regtest.halvingInterval == 150)
        #expect(Network.regtest.subsidy(height: 149) == 5_000_000_000)
        #expect(Network.regtest.subsidy(height: 232) == 2_500_000_000)
        #expect(Network.regtest.subsidy(height: 300) == 1_250_000_000)
        for network in [Network.mainnet, .testnet, .testnet4, .signet] { #expect(network.halvingInterval == 210_000) }
    }

    @Test func portsNamesAndPrefixes() {
        #expect(Network.allCases.map(\.rpcPort) == [8332, 18332, 48332, 38332, 18443])
        #expect(Network.allCases.map(\.p2pPort) == [8333, 18333, 48333, 38333, 18444])
        #expect(Network.allCases.map(\.bech32HRP) == ["bc", "tb", "tb", "tb", "bcrt"])
        #expect(Network(rawValue: "main") == .mainnet)
        #expect(Network(rawValue: "test") == .testnet)
        #expect(Network(rawValue: "testnet4") == .testnet4)
        #expect(Network.signet.powLimit.bigEndianHex == "00000377ae000000000000000000000000000000000000000000000000000000")
        #expect(Network.mainnet.powLimit.bigEndianHex == "00000000" + String(repeating: "f", count: 56))
        #expect(Network.regtest.powLimit.bigEndianHex == "7" + String(repeating: "f", count: 63))
    }
}
