import Foundation
import RGKit
import Testing

extension RandomNumberGenerator {
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) } }
    mutating func u32() -> UInt32 { UInt32.random(in: .min ... .max, using: &self) }
    mutating func u16() -> UInt16 { UInt16.random(in: .min ... .max, using: &self) }
    mutating func u64() -> UInt64 { UInt64.random(in: .min ... .max, using: &self) }
    mutating func bool() -> Bool { Bool.random(using: &self) }
    mutating func chance(_ oneIn: Int) -> Bool { Int.random(in: 0..<oneIn, using: &self) == 0 }
    mutating func bytes32() -> Bytes32 { Bytes32(w0: u64(), w1: u64(), w2: u64(), w3: u64()) }
    /// Any bit pattern except NaN (NaN ≠ NaN would defeat value round-trip checks).
    mutating func float() -> Float {
        let f = Float(bitPattern: u32())
        return f.isNaN ? 0 : f
    }
}

/// Random valid values for every message type: typical sizes, sometimes the type maximum.
struct MessageGenerator {
    enum Size { case random, minimal, maximal }

    static let sampleScalars: [String] = ["a", "Z", "0", "-", ".", " ", "é", "ß", "€", "中", "🙂", "\u{0}", "\u{7F}"]

    static func str<G: RandomNumberGenerator>(_ g: inout G, _ size: Size) -> Str0_255 {
        switch size {
        case .minimal: return .empty
        case .maximal: return try! Str0_255(String(repeating: "x", count: 255))
        case .random:
            var s = ""
            let target = g.chance(20) ? 255 : Int.random(in: 0...24, using: &g)
            while true {
                let next = sampleScalars.randomElement(using: &g)!
                if s.utf8.count + next.utf8.count > target { break }
                s += next
            }
            return try! Str0_255(s)
        }
    }

    static func bytes<B: SV2LengthBound, G: RandomNumberGenerator>(_ g: inout G, _ size: Size, typical: Int,
                                                                    _: B.Type = B.self) -> SV2Bytes<B> {
        switch size {
        case .minimal: return .empty
        case .maximal: return try! SV2Bytes(g.bytes(B.maxLength))
        case .random:
            let n = g.chance(50) ? B.maxLength : Int.random(in: 0...min(typical, B.maxLength), using: &g)
            return try! SV2Bytes(g.bytes(n))
        }
    }

    static func code<G: RandomNumberGenerator>(_ g: inout G, _ size: Size) -> SV2ErrorCode {
        switch size {
        case .minimal: return .other(.empty)
        case .maximal: return .other(str(&g, .maximal))
        case .random: return g.chance(3) ? .other(str(&g, .random)) : SV2ErrorCode.allNamed.randomElement(using: &g)!
        }
    }

    static func option<G: RandomNumberGenerator>(_ g: inout G, _ size: Size) -> UInt32? {
        switch size {
        case .minimal: return nil
        case .maximal: return g.u32()
        case .random: return g.bool() ? nil : g.u32()
        }
    }

    static func make<G: RandomNumberGenerator>(_ type: SV2MessageType, _ g: inout G, size: Size = .random) -> SV2Message {
        switch type {
        case .setupConnection:
            return .setupConnection(SetupConnection(
                protocol: SV2Protocol(rawValue: UInt8.random(in: 0...255, using: &g)), minVersion: g.u16(), maxVersion: g.u16(),
                flags: g.u32(), endpointHost: str(&g, size), endpointPort: g.u16(), vendor: str(&g, size),
                hardwareVersion: str(&g, size), firmware: str(&g, size), deviceID: str(&g, size)))
        case .setupConnectionSuccess:
            return .setupConnectionSuccess(SetupConnectionSuccess(usedVersion: g.u16(), flags: g.u32()))
        case .setupConnectionError:
            return .setupConnectionError(SetupConnectionError(flags: g.u32(), errorCode: code(&g, size)))
        case .channelEndpointChanged:
            return .channelEndpointChanged(ChannelEndpointChanged(channelID: g.u32()))
        case .reconnect:
            return .reconnect(Reconnect(newHost: str(&g, size), newPort: g.u16()))
        case .openStandardMiningChannel:
            return .openStandardMiningChannel(OpenStandardMiningChannel(
                requestID: g.u32(), userIdentity: str(&g, size), nominalHashRate: g.float(), maxTarget: g.bytes32()))
        case .openStandardMiningChannelSuccess:
            return .openStandardMiningChannelSuccess(OpenStandardMiningChannelSuccess(
                requestID: g.u32(), channelID: g.u32(), target: g.bytes32(),
                extranoncePrefix: bytes(&g, size, typical: 32), groupChannelID: g.u32()))
        case .openMiningChannelError:
            return .openMiningChannelError(OpenMiningChannelError(requestID: g.u32(), errorCode: code(&g, size)))
        case .openExtendedMiningChannel:
            return .openExtendedMiningChannel(OpenExtendedMiningChannel(
                requestID: g.u32(), userIdentity: str(&g, size), nominalHashRate: g.float(), maxTarget: g.bytes32(),
                minExtranonceSize: g.u16()))
        case .openExtendedMiningChannelSuccess:
            return .openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess(
                requestID: g.u32(), channelID: g.u32(), target: g.bytes32(), extranonceSize: g.u16(),
                extranoncePrefix: bytes(&g, size, typical: 32), groupChannelID: g.u32()))
        case .newMiningJob:
            return .newMiningJob(NewMiningJob(channelID: g.u32(), jobID: g.u32(), minNtime: option(&g, size),
                                              version: g.u32(), merkleRoot: g.bytes32()))
        case .updateChannel:
            return .updateChannel(UpdateChannel(channelID: g.u32(), nominalHashRate: g.float(), maximumTarget: g.bytes32()))
        case .updateChannelError:
            return .updateChannelError(UpdateChannelError(channelID: g.u32(), errorCode: code(&g, size)))
        case .closeChannel:
            return .closeChannel(CloseChannel(channelID: g.u32(), reasonCode: str(&g, size)))
        case .setExtranoncePrefix:
            return .setExtranoncePrefix(SetExtranoncePrefix(channelID: g.u32(), extranoncePrefix: bytes(&g, size, typical: 32)))
        case .submitSharesStandard:
            return .submitSharesStandard(SubmitSharesStandard(channelID: g.u32(), sequenceNumber: g.u32(), jobID: g.u32(),
                                                              nonce: g.u32(), ntime: g.u32(), version: g.u32()))
        case .submitSharesExtended:
            return .submitSharesExtended(SubmitSharesExtended(channelID: g.u32(), sequenceNumber: g.u32(), jobID: g.u32(),
                                                              nonce: g.u32(), ntime: g.u32(), version: g.u32(),
                                                              extranonce: bytes(&g, size, typical: 32)))
        case .submitSharesSuccess:
            return .submitSharesSuccess(SubmitSharesSuccess(channelID: g.u32(), lastSequenceNumber: g.u32(),
                                                            newSubmitsAcceptedCount: g.u32(), newSharesSum: g.u64()))
        case .submitSharesError:
            return .submitSharesError(SubmitSharesError(channelID: g.u32(), sequenceNumber: g.u32(), errorCode: code(&g, size)))
        case .newExtendedMiningJob:
            let pathCount: Int = switch size {
            case .minimal: 0
            case .maximal: 255
            case .random: g.chance(50) ? 255 : Int.random(in: 0...14, using: &g)
            }
            return .newExtendedMiningJob(NewExtendedMiningJob(
                channelID: g.u32(), jobID: g.u32(), minNtime: option(&g, size), version: g.u32(),
                versionRollingAllowed: g.bool(), merklePath: try! Seq0_255((0..<pathCount).map { _ in g.bytes32() }),
                coinbaseTxPrefix: bytes(&g, size, typical: 200), coinbaseTxSuffix: bytes(&g, size, typical: 400)))
        case .setNewPrevHash:
            return .setNewPrevHash(SetNewPrevHash(channelID: g.u32(), jobID: g.u32(), prevHash: g.bytes32(),
                                                  minNtime: g.u32(), nbits: g.u32()))
        case .setTarget:
            return .setTarget(SetTarget(channelID: g.u32(), maximumTarget: g.bytes32()))
        case .setGroupChannel:
            let count: Int = switch size {
            case .minimal: 0
            case .maximal: 0xFFFF
            case .random: g.chance(200) ? 0xFFFF : Int.random(in: 0...40, using: &g)
            }
            return .setGroupChannel(SetGroupChannel(groupChannelID: g.u32(),
                                                    channelIDs: try! Seq0_64K((0..<count).map { _ in g.u32() })))
        }
    }
}

/// The JSON fixtures of Tests/Fixtures/sv2 (copies of shared/data/sv2).
enum SV2Fixtures {
    struct MiningMessage: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let msg_type: String
        let channel_msg: Bool
        let fields: String
        let payload: String
        let frame: String
        let payload_len: Int
        var testDescription: String { name }
    }

    static func miningMessages() throws -> [MiningMessage] {
        struct File: Decodable { let messages: [MiningMessage] }
        return try JSONDecoder().decode(File.self, from: Fixtures.data("sv2/sv2-mining-messages.json")).messages
    }

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Fixtures.data("sv2/\(name)")) as? [String: Any] ?? [:]
    }
}

func hexBytes(_ text: String) -> [UInt8] { try! Hex.decode(text) }
func b32(_ text: String) -> Bytes32 { try! Bytes32(hex: text) }

