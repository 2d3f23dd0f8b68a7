/// The names operators type (`--network mainnet`) next to Core's chain names (`main`, `test`).
extension Network {
    public init?(name: String) {
        switch name.lowercased() {
        case "mainnet", "main", "bitcoin": self = .mainnet
        case "testnet", "testnet3", "test": self = .testnet
        case "testnet4": self = .testnet4
        case "signet": self = .signet
        case "regtest": self = .regtest
        default: return nil
        }
    }

    /// The flag spelling: mainnet, testnet, testnet4, signet, regtest.
    public var name: String {
        switch self {
        case .mainnet: "mainnet"
        case .testnet: "testnet"
        default: rawValue
        }
    }
}
