/// Where the coinbase pays: the operator's payout as an output script, checked once at startup.
///
/// Two forms: an address (`bc1q…`, `bc1p…`, `1…`, `3…`, checked against the gateway's network:
/// a testnet address on a mainnet gateway is refused with a message naming both networks), or a
/// raw script written `raw:<hex>` for setups an address cannot express. An address must be one of
/// the five standard kinds (P2PKH, P2SH, P2WPKH, P2WSH, P2TR): a future witness version (v2…v16)
/// or a v1 program that is not 32 bytes decodes as an address but is spendable by anyone today,
/// so paying a block reward to it would give the reward away.
public struct Payout: Hashable, Sendable, CustomStringConvertible {
    public let scriptPubKey: Script
    /// What the operator wrote (for logs and records).
    public let source: String

    public struct Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    public init(scriptPubKey: Script, source: String) {
        self.scriptPubKey = scriptPubKey
        self.source = source
    }

    /// Parses an address or `raw:<hex>` for `network`.
    public init(parsing text: String, network: Network) throws(Payout.Error) {
        let trimmed = text.trimmedForPayout()
        if trimmed.hasPrefix("raw:") {
            let hex = String(trimmed.dropFirst(4))
            let bytes: [UInt8]
            do { bytes = try Hex.decode(hex) } catch { throw Error("payout raw script: \(error)") }
            guard !bytes.isEmpty else { throw Error("payout raw script is empty") }
            guard bytes.count <= 10_000 else { throw Error("payout raw script of \(bytes.count) bytes exceeds 10,000 (MAX_SCRIPT_SIZE)") }
            self.init(scriptPubKey: Script(bytes), source: trimmed)
            return
        }
        let address: Address
        do { address = try Address(trimmed, network: network) } catch {
            throw Error("payout address: \(error.detail)")
        }
        switch address {
        case .p2pkh, .p2sh:
            break
        case .witness(let version, let program):
            switch (version, program.count) {
            case (0, 20), (0, 32), (1, 32): break
            default:
                throw Error("payout address \(trimmed): witness version \(version) with a \(program.count)-byte program is not a standard output type (P2WPKH, P2WSH or P2TR); outputs to it are spendable by anyone")
            }
        }
        self.init(scriptPubKey: address.scriptPubKey, source: trimmed)
    }

    public var description: String { source }
}

extension String {
    /// Drops leading and trailing ASCII spaces, tabs and newlines (no Foundation needed).
    fileprivate func trimmedForPayout() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
