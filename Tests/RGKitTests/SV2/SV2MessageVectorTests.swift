import Testing
import RGKit

/// Golden bytes: `sv2-mining-messages.json` (self-generated from the spec tables),
/// `sv2-official-misc-vectors.json` (sv2-tp's hex, someone else's implementation),
/// `block1-header-worked-example.json` (Bitcoin block 1, self-checking), plus hand-assembled
/// bytes for the five messages the JSON does not cover.
@Suite("SV2 message vectors") struct SV2MessageVectorTests {
    static let diff1 = b32("0000000000000000000000000000000000000000000000000000ffff00000000")
    static let maxTarget = b32(String(repeating: "ff", count: 32))
    static let block1Root = b32("982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e")
    static let genesisInternal = b32("6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000")

    /// The value each entry of sv2-mining-messages.json describes in its `fields` text.
    static let expected: [String: SV2Message] = [
        "SetupConnection": .setupConnection(SetupConnection(
            protocol: .mining, minVersion: 2, maxVersion: 2, flags: 0x5, endpointHost: "127.0.0.1", endpointPort: 34254,
            vendor: "acme", hardwareVersion: "S1", firmware: "fw-1.0", deviceID: "")),
        "SetupConnection.Success": .setupConnectionSuccess(SetupConnectionSuccess(usedVersion: 2, flags: 0)),
        "SetupConnection.Error": .setupConnectionError(SetupConnectionError(flags: 0, errorCode: .unsupportedProtocol)),
        "OpenStandardMiningChannel": .openStandardMiningChannel(OpenStandardMiningChannel(
            requestID: 1, userIdentity: "user.worker1", nominalHashRate: 1e12, maxTarget: maxTarget)),
        "OpenStandardMiningChannel.Success": .openStandardMiningChannelSuccess(OpenStandardMiningChannelSuccess(
            requestID: 1, channelID: 7, target: diff1, extranoncePrefix: [1, 2, 3, 4], groupChannelID: 0)),
        "OpenMiningChannel.Error": .openMiningChannelError(OpenMiningChannelError(requestID: 1, errorCode: .unknownUser)),
        "NewMiningJob (future)": .newMiningJob(NewMiningJob(
            channelID: 7, jobID: 1, minNtime: nil, version: 0x2000_0000, merkleRoot: block1Root)),
        "NewMiningJob (active)": .newMiningJob(NewMiningJob(
            channelID: 7, jobID: 2, minNtime: 1_700_000_000, version: 0x2000_0000, merkleRoot: block1Root)),
        "SetNewPrevHash": .setNewPrevHash(SetNewPrevHash(
            channelID: 7, jobID: 1, prevHash: genesisInternal, minNtime: 1_700_000_000, nbits: 0x1D00_FFFF)),
        "SetTarget": .setTarget(SetTarget(channelID: 7, maximumTarget: diff1)),
        "SubmitSharesStandard": .submitSharesStandard(SubmitSharesStandard(
            channelID: 7, sequenceNumber: 0, jobID: 1, nonce: 0xDEAD_BEEF, ntime: 1_700_000_001, version: 0x2000_2000)),
        "SubmitShares.Success": .submitSharesSuccess(SubmitSharesSuccess(
            channelID: 7, lastSequenceNumber: 0, newSubmitsAcceptedCount: 1, newSharesSum: 1)),
        "SubmitShares.Error": .submitSharesError(SubmitSharesError(channelID: 7, sequenceNumber: 0, errorCode: .staleShare)),
        "UpdateChannel": .updateChannel(UpdateChannel(channelID: 7, nominalHashRate: 2e12, maximumTarget: maxTarget)),
        "UpdateChannel.Error": .updateChannelError(UpdateChannelError(channelID: 7, errorCode: .invalidChannelID)),
        "CloseChannel": .closeChannel(CloseChannel(channelID: 7, reasonCode: "shutdown")),
        "SetExtranoncePrefix": .setExtranoncePrefix(SetExtranoncePrefix(channelID: 7, extranoncePrefix: [0x0A, 0x0B])),
        "Reconnect": .reconnect(Reconnect(newHost: "", newPort: 0)),
        "NewExtendedMiningJob": .newExtendedMiningJob(NewExtendedMiningJob(
            channelID: 7, jobID: 3, minNtime: nil, version: 0x2000_0000, versionRollingAllowed: true,
            merklePath: [block1Root], coinbaseTxPrefix: [1, 2], coinbaseTxSuffix: [3, 4])),
    ]

    @Test func theFixtureCoversNineteenMessages() throws {
        let vectors = try SV2Fixtures.miningMessages()
        #expect(vectors.count == 19)
        #expect(Set(vectors.map(\.name)) == Set(Self.expected.keys))
    }

    @Test(arguments: try SV2Fixtures.miningMessages())
    func miningMessageVector(_ v: SV2Fixtures.MiningMessage) throws {
        let message = try #require(Self.expected[v.name])
        // Header facts of the fixture agree with our type table.
        #expect(message.messageType.rawValue == UInt8(v.msg_type.dropFirst(2), radix: 16))
        #expect(message.messageType.isChannelMessage == v.channel_msg)
        // Encode: exact payload and frame bytes.
        #expect(message.payload.hex == v.payload)
        #expect(message.frame.bytes.hex == v.frame)
        #expect(message.payload.count == v.payload_len)
        // Decode: frame bytes → frame → message, equal to the value.
        let frame = try SV2Frame.decode(hexBytes(v.frame))
        #expect(try SV2Message(frame: frame) == message)
        #expect(try SV2Message(type: message.messageType, payload: hexBytes(v.payload)) == message)
    }

    // MARK: - sv2-tp (golden bytes from another implementation)

    @Test func sv2tpSetupConnection() throws {
        let json = try SV2Fixtures.json("sv2-official-misc-vectors.json")
        let payload = try #require((json["sv2_tp_SetupConnection_payload"] as? [String: Any])?["hex"] as? String)
        let header = try #require((json["sv2_tp_SetupConnection_header"] as? [String: Any])?["hex"] as? String)
        let value = SetupConnection(
            protocol: .templateDistribution, minVersion: 2, maxVersion: 2, flags: 1, endpointHost: "0.0.0.0",
            endpointPort: 8545, vendor: "Bitmain", hardwareVersion: "S9i 13.5",
            firmware: "braiins-os-2018-09-22-1-hash", deviceID: "some-device-uuid")
        #expect(value.payload.hex == payload)
        #expect(value.payload.count == 82)
        #expect(value.frame.header.bytes.hex == header)
        #expect(value.frame.bytes.hex == header + payload)
        #expect(try SetupConnection.decode(payload: hexBytes(payload)) == value)
        #expect(try SV2Message(frame: SV2Frame.decode(hexBytes(header + payload))) == .setupConnection(value))
    }

    @Test func sv2tpSetupConnectionSuccessAndError() throws {
        let json = try SV2Fixtures.json("sv2-official-misc-vectors.json")
        let success = try #require((json["sv2_tp_SetupConnectionSuccess_payload"] as? [String: Any])?["hex"] as? String)
        let typed = try #require((json["sv2_tp_SetupConnectionSuccess_msgtype_plus_payload"] as? [String: Any])?["hex"] as? String)
        let error = try #require((json["sv2_tp_SetupConnectionError_payload"] as? [String: Any])?["hex"] as? String)

        let ok = SetupConnectionSuccess(usedVersion: 2, flags: 3)
        #expect(ok.payload.hex == success)
        #expect(([SetupConnectionSuccess.messageType.rawValue] + ok.payload).hex == typed)
        #expect(try SetupConnectionSuccess.decode(payload: hexBytes(success)) == ok)
        #expect(ok.miningFlags == [.requiresFixedVersion, .requiresExtendedChannels])

        let refused = SetupConnectionError(flags: 0, errorCode: .protocolVersionMismatch)
        #expect(refused.payload.hex == error)
        let decoded = try SetupConnectionError.decode(payload: hexBytes(error))
        #expect(decoded == refused)
        #expect(decoded.errorCode.isNamed)
    }

    @Test func sv2tpTemplateDistributionHeaders() throws {
        let json = try SV2Fixtures.json("sv2-official-misc-vectors.json")
        let newTemplate = try #require(json["sv2_tp_header_NewTemplate_len0"] as? String)
        let setNewPrevHash = try #require(json["sv2_tp_header_SetNewPrevHash_len0"] as? String)
        #expect(SV2Frame(msgType: 0x71, isChannelMessage: false, payload: []).bytes.hex == newTemplate)
        #expect(SV2Frame(msgType: 0x72, isChannelMessage: false, payload: []).bytes.hex == setNewPrevHash)
        let frame = try SV2Frame.decode(hexBytes(newTemplate))
        #expect(frame.msgType == 0x71 && frame.payload.isEmpty && !frame.isChannelMessage)
        // Template Distribution is not a message this codec decodes: a clear error, not a guess.
        #expect(throws: SV2Error(.unknownMessageType)) { try SV2Message(frame: frame) }
    }

    /// The TDP SetNewPrevHash (0x72) payload is not one of our messages, but its fields are our
    /// data types: U64, U256 (prev hash), U32, U32, U256 (target, little-endian).
    @Test func sv2tpTemplateSetNewPrevHashFieldsReadWithOurTypes() throws {
        let json = try SV2Fixtures.json("sv2-official-misc-vectors.json")
        let entry = try #require(json["sv2_tp_TDP_SetNewPrevHash_payload"] as? [String: Any])
        let decoded = try #require(entry["decoded"] as? [String: Any])
        var r = SV2Reader(hexBytes(try #require(entry["hex"] as? String)))
        #expect(try r.readU64() == 2)
        #expect(try r.readU256() == b32(try #require(decoded["prev_hash_wire"] as? String)))
        #expect(try r.readU32() == 1_661_877_399)
        #expect(try r.readU32() == 0x037F_FFFF)
        let target = try r.readU256()
        try r.expectEnd()
        #expect(target == b32(try #require(decoded["target_wire_LE"] as? String)))
        // 0x7fffff as a little-endian integer: below 2^23, above 2^22.
        #expect(target < b32("000080" + String(repeating: "00", count: 29)))
        #expect(b32("000040" + String(repeating: "00", count: 29)) < target)
    }

    // MARK: - Messages the JSON does not cover: bytes assembled by hand from the spec layout

    static let user = "757365722e776f726b657231"            // "user.worker1"
    static let ff32 = String(repeating: "ff", count: 32)
    static let diff1Hex = "0000000000000000000000000000000000000000000000000000ffff00000000"

    static let handVectors: [(name: String, message: SV2Message, frame: String)] = [
        ("ChannelEndpointChanged",
         .channelEndpointChanged(ChannelEndpointChanged(channelID: 7)),
         "008003" + "040000" + "07000000"),
        ("OpenExtendedMiningChannel",
         .openExtendedMiningChannel(OpenExtendedMiningChannel(
            requestID: 1, userIdentity: "user.worker1", nominalHashRate: 1e12, maxTarget: maxTarget, minExtranonceSize: 8)),
         "000013" + "370000" + "01000000" + "0c" + user + "a5d46853" + ff32 + "0800"),
        ("OpenExtendedMiningChannel.Success",
         .openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess(
            requestID: 1, channelID: 7, target: diff1, extranonceSize: 8, extranoncePrefix: [1, 2, 3, 4], groupChannelID: 0)),
         "000014" + "330000" + "01000000" + "07000000" + diff1Hex + "0800" + "0401020304" + "00000000"),
        ("SubmitSharesExtended",
         .submitSharesExtended(SubmitSharesExtended(
            channelID: 7, sequenceNumber: 0, jobID: 1, nonce: 0xDEAD_BEEF, ntime: 1_700_000_001, version: 0x2000_2000,
            extranonce: [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77])),
         "00801b" + "210000" + "07000000" + "00000000" + "01000000" + "efbeadde" + "01f15365" + "00200020" + "08" + "0011223344556677"),
        ("SetGroupChannel",
         .setGroupChannel(SetGroupChannel(groupChannelID: 9, channelIDs: [7, 8, 0x0102_0304])),
         "000025" + "120000" + "09000000" + "0300" + "07000000" + "08000000" + "04030201"),
    ]

    @Test(arguments: 0..<5)
    func handAssembledVector(_ index: Int) throws {
        let (name, message, frameHex) = Self.handVectors[index]
        #expect(message.messageType.name == name)
        #expect(message.frame.bytes.hex == frameHex, "\(name)")
        #expect(try SV2Message(frame: SV2Frame.decode(hexBytes(frameHex))) == message, "\(name)")
    }

    @Test func everyMessageTypeHasAVector() {
        let covered = Set(Self.expected.values.map(\.messageType)).union(Self.handVectors.map(\.message.messageType))
        #expect(covered == Set(SV2MessageType.allCases))
    }

    // MARK: - Block 1 worked example: the SV2 messages rebuild the real header

    @Test func block1MessagesRebuildTheRealHeader() throws {
        let json = try SV2Fixtures.json("block1-header-worked-example.json")
        let sv2 = try #require(json["sv2"] as? [String: Any])
        let job = try #require(sv2["NewMiningJob"] as? [String: Any])
        let prev = try #require(sv2["SetNewPrevHash"] as? [String: Any])
        let share = try #require(sv2["SubmitSharesStandard"] as? [String: Any])
        let split = try #require(sv2["standard_channel_split"] as? [String: Any])
        let header = hexBytes(try #require(json["header_80_bytes"] as? String))

        let newJob = NewMiningJob(channelID: 1, jobID: 1, minNtime: nil,
                                  version: UInt32(try #require(job["version"] as? Int)),
                                  merkleRoot: b32(try #require(job["merkle_root_U256_wire"] as? String)))
        let prevHash = SetNewPrevHash(channelID: 1, jobID: 1,
                                      prevHash: b32(try #require(prev["prev_hash_U256_wire"] as? String)),
                                      minNtime: UInt32(try #require(prev["min_ntime"] as? Int)),
                                      nbits: UInt32(try #require(prev["nbits"] as? Int)))
        let submit = SubmitSharesStandard(channelID: 1, sequenceNumber: 0, jobID: 1,
                                          nonce: UInt32(try #require(share["nonce"] as? Int)),
                                          ntime: UInt32(try #require(share["ntime"] as? Int)),
                                          version: UInt32(try #require(share["version"] as? Int)))
        let opened = OpenStandardMiningChannelSuccess(
            requestID: 1, channelID: 1, target: b32(try #require(json["target_from_nbits_U256_LE_wire_bytes"] as? String)),
            extranoncePrefix: try B0_32(hexBytes(try #require(split["extranonce_prefix"] as? String))), groupChannelID: 0)

        // Everything goes through the wire and back first: the header is built from decoded values.
        guard case .newMiningJob(let j) = try SV2Message(frame: SV2Frame.decode(newJob.frame.bytes)),
              case .setNewPrevHash(let p) = try SV2Message(frame: SV2Frame.decode(prevHash.frame.bytes)),
              case .submitSharesStandard(let s) = try SV2Message(frame: SV2Frame.decode(submit.frame.bytes)),
              case .openStandardMiningChannelSuccess(let o) = try SV2Message(frame: SV2Frame.decode(opened.frame.bytes))
        else { Issue.record("wrong message kinds"); return }

        // stratum-v2.md §3.4: version | prev_hash | merkle_root | ntime | nbits | nonce, U256s unreversed.
        var w = SV2Writer(capacity: 80)
        w.writeU32(s.version)
        w.writeU256(p.prevHash)
        w.writeU256(j.merkleRoot)
        w.writeU32(s.ntime)
        w.writeU32(p.nbits)
        w.writeU32(s.nonce)
        #expect(w.bytes == header)
        #expect(j.isFuture)
        #expect(s.ntime >= p.minNtime)

        // The header hashes to block 1, and the hash (LE integer) meets the channel target.
        let hash = SHA256Hash.hash256(w.bytes)
        #expect(hash.hex == json["header_hash_internal_bytes"] as? String)
        #expect(hash <= o.target)

        // The coinbase split: prefix ‖ extranonce_prefix ‖ suffix hashes to the job's merkle root.
        let coinbase = hexBytes(try #require(split["coinbase_tx_prefix"] as? String)) + o.extranoncePrefix.bytes
            + hexBytes(try #require(split["coinbase_tx_suffix"] as? String))
        #expect(coinbase.hex == json["coinbase_tx"] as? String)
        #expect(SHA256Hash.hash256(coinbase).hex == j.merkleRoot.hex)
    }
}
