/// The Bitcoin networks a pool can serve. Raw values are the `chain` names Core's
/// `getblockchaininfo` reports, so a tool can map the node's answer directly.
public enum Network: String, CaseIterable, Sendable, Codable {
    case mainnet = "main"
    /// testnet3.
    case testnet = "test"
    case testnet4
    case signet
    case regtest

    /// Blocks between subsidy halvings (Core's `nSubsidyHalvingInterval`): 150 on regtest.
    public var halvingInterval: Int {
        self == .regtest ? 150 : 210_000
    }

    /// The block subsidy in satoshis at `height` (Core's `GetBlockSubsidy`): 50 BTC shifted right
    /// once per halving, and 0 from the 64th halving on (a shift of 64 would be undefined in C++).
    /// A negative height has no subsidy and gives 0.
    public func subsidy(height: Int) -> Int64 {
        guard height >= 0 else { return 0 }
        let halvings = height / halvingInterval
        guard halvings < 64 else { return 0 }
        return (50 * 100_000_000) >> Int64(halvings)
    }

    /// Default JSON-RPC port of Bitcoin Core.
    public var rpcPort: Int {
        switch self {
        case .mainnet: 8332
        case .testnet: 18332
        case .testnet4: 48332
        case .signet: 38332
        case .regtest: 18443
        }
    }

    /// Default P2P port.
    public var p2pPort: Int {
        switch self {
        case .mainnet: 8333
        case .testnet: 18333
        case .testnet4: 48333
        case .signet: 38333
        case .regtest: 18444
        }
    }

    /// Human-readable part of bech32/bech32m addresses (BIP173/BIP350).
    public var bech32HRP: String {
        switch self {
        case .mainnet: "bc"
        case .testnet, .testnet4, .signet: "tb"
        case .regtest: "bcrt"
        }
    }

    /// The easiest target a header may claim (Core's `consensus.powLimit`); signet's is that of the
    /// default signet (a custom signet challenge keeps the same limit).
    public var powLimit: UInt256 {
        switch self {
        case .mainnet, .testnet, .testnet4:
            UInt256(l0: .max, l1: .max, l2: .max, l3: 0x0000_0000_ffff_ffff)
        case .signet:
            UInt256(l0: 0, l1: 0, l2: 0, l3: 0x0000_0377_ae00_0000)
        case .regtest:
            UInt256(l0: .max, l1: .max, l2: .max, l3: 0x7fff_ffff_ffff_ffff)
        }
    }
}
