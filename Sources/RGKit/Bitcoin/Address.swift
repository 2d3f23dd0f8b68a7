/// A Bitcoin address, decoded and checked against the network it is meant for, and the output
/// script (scriptPubKey) it stands for:
/// - base58check P2PKH / P2SH (version byte 0x00 / 0x05 on mainnet, 0x6f / 0xc4 on testnet,
///   testnet4, signet and regtest: these four share base58 versions, so a base58 address cannot
///   say which of them it belongs to);
/// - segwit addresses (BIP173 bech32 for witness version 0, BIP350 bech32m for versions 1...16)
///   with the network's human-readable part (`bc`, `tb`, `bcrt`).
///
/// Decoding follows Bitcoin Core's `DecodeDestination`: a v0 program must be 20 or 32 bytes, any
/// program 2...40 bytes, v0 must use bech32 and v1+ bech32m. Whether an address is an acceptable
/// *payout* (a known script type, not a future witness version) is the gateway's decision
/// (`Payout`), not the decoder's.
public enum Address: Hashable, Sendable {
    case p2pkh(hash160: [UInt8])
    case p2sh(hash160: [UInt8])
    /// Native segwit output: version 0...16 and a 2...40-byte program.
    case witness(version: UInt8, program: [UInt8])

    /// Why an address string was refused. Equality compares `code` only.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable {
            /// Neither valid base58check nor valid bech32/bech32m.
            case invalidEncoding = "invalid_encoding"
            /// Decodes, but for another network than the one asked for.
            case wrongNetwork = "wrong_network"
            /// Unknown base58 version byte or unknown bech32 human-readable part.
            case unknownPrefix = "unknown_prefix"
            /// Witness version above 16.
            case invalidWitnessVersion = "invalid_witness_version"
            /// Program length outside 2...40, or not 20/32 for version 0.
            case invalidProgramLength = "invalid_program_length"
            /// bech32 used for v1+ or bech32m for v0 (BIP350).
            case wrongChecksumVariant = "wrong_checksum_variant"
        }
        public let code: Code
        public let detail: String
        public init(_ code: Code, _ detail: String) { self.code = code; self.detail = detail }
        public static func == (a: ParseError, b: ParseError) -> Bool { a.code == b.code }
        public var description: String { "\(code.rawValue): \(detail)" }
    }

    /// Parses `text` for `network`. An address of another network is `.wrongNetwork`, and the
    /// message names the network(s) the address belongs to.
    public init(_ text: String, network: Network) throws(ParseError) {
        let lower = text.lowercased()
        let looksSegwit = ["bc1", "tb1", "bcrt1"].contains { lower.hasPrefix($0) }
        do {
            let decoded = try Bech32.decode(text)
            self = try Address.segwit(text, decoded, network: network)
            return
        } catch let error as ParseError {
            throw error
        } catch {
            if looksSegwit { throw ParseError(.invalidEncoding, "\(text): \(error)") }
        }
        let payload: [UInt8]
        do { payload = try Base58Check.decode(text) } catch {
            throw ParseError(.invalidEncoding, "\"\(text)\" is neither base58check nor a bech32 segwit address with a known prefix (\(error))")
        }
        guard payload.count == 21 else {
            throw ParseError(.invalidEncoding, "base58check payload of \(payload.count) bytes, an address has 21")
        }
        let hash = Array(payload[1...])
        let mainnet = network == .mainnet
        switch payload[0] {
        case 0x00, 0x05:
            guard mainnet else { throw ParseError(.wrongNetwork, "\(text) is a mainnet address, the network is \(network.name)") }
            self = payload[0] == 0x00 ? .p2pkh(hash160: hash) : .p2sh(hash160: hash)
        case 0x6f, 0xc4:
            guard !mainnet else {
                throw ParseError(.wrongNetwork, "\(text) is a testnet/testnet4/signet/regtest address, the network is mainnet")
            }
            self = payload[0] == 0x6f ? .p2pkh(hash160: hash) : .p2sh(hash160: hash)
        default:
            throw ParseError(.unknownPrefix, "base58 version byte 0x\(Hex.encode([payload[0]])) is not a Bitcoin address version")
        }
    }

    private static func segwit(_ text: String, _ decoded: (hrp: String, data: [UInt8], variant: Bech32.Variant),
                               network: Network) throws(ParseError) -> Address {
        guard decoded.hrp == network.bech32HRP else {
            let owner: String
            switch decoded.hrp {
            case "bc": owner = "mainnet"
            case "tb": owner = "testnet/testnet4/signet"
            case "bcrt": owner = "regtest"
            default: throw ParseError(.unknownPrefix, "human-readable part \"\(decoded.hrp)\" is not a Bitcoin network's")
            }
            throw ParseError(.wrongNetwork, "\(text) is a \(owner) address, the network is \(network.name)")
        }
        guard let version = decoded.data.first else { throw ParseError(.invalidEncoding, "\(text): empty data part") }
        guard version <= 16 else { throw ParseError(.invalidWitnessVersion, "witness version \(version) is above 16") }
        guard let program = Bech32.convertBits(Array(decoded.data.dropFirst()), from: 5, to: 8, pad: false) else {
            throw ParseError(.invalidEncoding, "\(text): invalid padding in the 5-to-8 bit conversion")
        }
        guard (2...40).contains(program.count) else {
            throw ParseError(.invalidProgramLength, "witness program of \(program.count) bytes (2...40)")
        }
        guard version != 0 || program.count == 20 || program.count == 32 else {
            throw ParseError(.invalidProgramLength, "a version 0 witness program is 20 or 32 bytes, not \(program.count)")
        }
        let expected: Bech32.Variant = version == 0 ? .bech32 : .bech32m
        guard decoded.variant == expected else {
            throw ParseError(.wrongChecksumVariant, "witness version \(version) must use \(expected == .bech32 ? "bech32 (BIP173)" : "bech32m (BIP350)")")
        }
        return .witness(version: version, program: program)
    }

    /// The output script this address pays to.
    public var scriptPubKey: Script {
        switch self {
        case .p2pkh(let h): Script([0x76, 0xa9, 0x14] + h + [0x88, 0xac])
        case .p2sh(let h): Script([0xa9, 0x14] + h + [0x87])
        case .witness(let v, let p): Script([v == 0 ? Opcode.op0 : Opcode.op1 + v - 1, UInt8(p.count)] + p)
        }
    }

    /// The address text for `network` (lowercase bech32/bech32m, or base58check).
    public func encoded(for network: Network) -> String {
        let test = network != .mainnet
        switch self {
        case .p2pkh(let h): return Base58Check.encode([test ? 0x6f : 0x00] + h)
        case .p2sh(let h): return Base58Check.encode([test ? 0xc4 : 0x05] + h)
        case .witness(let v, let p):
            let data = [v] + (Bech32.convertBits(p, from: 8, to: 5, pad: true) ?? [])
            return Bech32.encode(hrp: network.bech32HRP, data: data, variant: v == 0 ? .bech32 : .bech32m)
        }
    }
}
