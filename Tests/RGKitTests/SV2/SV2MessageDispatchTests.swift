import Testing
import RGKit

@Suite("SV2 message dispatch and type table") struct SV2MessageDispatchTests {
    /// The spec table (stratum-v2.md §3.1): type number, channel bit.
    static let table: [(UInt8, Bool)] = [
        (0x00, false), (0x01, false), (0x02, false), (0x03, true), (0x04, false),
        (0x10, false), (0x11, false), (0x12, false), (0x13, false), (0x14, false),
        (0x15, true), (0x16, true), (0x17, true), (0x18, true), (0x19, true),
        (0x1A, true), (0x1B, true), (0x1C, true), (0x1D, true), (0x1F, true),
        (0x20, true), (0x21, true), (0x25, false),
    ]

    @Test func typeTableMatchesTheSpec() {
        #expect(SV2MessageType.allCases.count == Self.table.count)
        for (raw, channel) in Self.table {
            let type = SV2MessageType(rawValue: raw)
            #expect(type != nil, "0x\(String(raw, radix: 16))")
            #expect(type?.isChannelMessage == channel, "0x\(String(raw, radix: 16))")
        }
    }

    /// minPayloadLength / maxPayloadLength are what the smallest and largest valid values encode to.
    @Test(arguments: SV2MessageType.allCases)
    func payloadLengthBoundsAreExact(_ type: SV2MessageType) throws {
        var g = SplitMix64(seed: UInt64(type.rawValue))
        let smallest = MessageGenerator.make(type, &g, size: .minimal)
        let largest = MessageGenerator.make(type, &g, size: .maximal)
        #expect(smallest.messageType == type && largest.messageType == type)
        #expect(smallest.payload.count == type.minPayloadLength)
        #expect(largest.payload.count == type.maxPayloadLength)
        #expect(try SV2Message(frame: largest.frame) == largest)
        #expect(try SV2Message(frame: smallest.frame) == smallest)
        // One byte short of the smallest is truncated; one past the largest is left over.
        #expect(throws: SV2Error(.truncated)) { try SV2Message(type: type, payload: Array(smallest.payload.dropLast())) }
        let e = #expect(throws: SV2Error(.trailingBytes)) { try SV2Message(type: type, payload: largest.payload + [0]) }
        #expect(e?.offset == type.maxPayloadLength)
    }

    @Test func largestPayloadsPerSender() {
        #expect(SV2MessageType.largestPayloadLength(sentBy: .client) == 1291)
        #expect(SV2MessageType.largestPayloadLength(sentBy: .server) == 262_146)
        #expect(SV2MessageType.largestPayloadLength == 262_146)
    }

    @Test(arguments: SV2MessageType.allCases)
    func channelBitMismatchIsRefused(_ type: SV2MessageType) throws {
        var g = SplitMix64(seed: 99)
        var frame = MessageGenerator.make(type, &g).frame
        frame.extensionType ^= SV2FrameHeader.channelMessageBit
        let e = #expect(throws: SV2Error(.channelBitMismatch)) { try SV2Message(frame: frame) }
        #expect(e?.detail.contains(type.name) == true)
    }

    @Test func unknownTypesAndExtensionsAreClearErrors() throws {
        let known = Set(SV2MessageType.allCases.map(\.rawValue))
        for raw in UInt8.min ... UInt8.max where !known.contains(raw) {
            for channel in [false, true] {
                let frame = SV2Frame(msgType: raw, isChannelMessage: channel, payload: [0, 0, 0, 0])
                #expect(throws: SV2Error(.unknownMessageType), "0x\(String(raw, radix: 16))") { try SV2Message(frame: frame) }
            }
        }
        // 0x1e (reserved) and SetCustomMiningJob (0x22–0x24) are not implemented.
        #expect(SV2MessageType(rawValue: 0x1E) == nil && SV2MessageType(rawValue: 0x22) == nil)
        // An extension message, even one reusing a core msg_type number, is not decoded as core.
        let ext = SV2Frame(extensionType: 0x0001, msgType: 0x00, payload: SetupConnectionSuccess(flags: 0).payload)
        #expect(throws: SV2Error(.unsupportedExtension)) { try SV2Message(frame: ext) }
        let extChannel = SV2Frame(extensionType: 0x8002, msgType: 0x1A, payload: [UInt8](repeating: 0, count: 24))
        #expect(throws: SV2Error(.unsupportedExtension)) { try SV2Message(frame: extChannel) }
    }

    @Test func decodeErrorsNameTheMessageAndOffset() throws {
        var payload = OpenStandardMiningChannel(requestID: 1, userIdentity: "u", nominalHashRate: 1, maxTarget: .zero).payload
        payload[4] = 40                                            // user_identity claims 40 bytes
        let e = #expect(throws: SV2Error(.truncated)) { try SV2Message(type: .openStandardMiningChannel, payload: payload) }
        #expect(e?.offset == 4)
        #expect(e?.detail.hasPrefix("OpenStandardMiningChannel") == true)
        let trailing = #expect(throws: SV2Error(.trailingBytes)) {
            try SV2Message(type: .setTarget, payload: SetTarget(channelID: 1, maximumTarget: .zero).payload + [9])
        }
        #expect(trailing?.offset == 36)
    }

    @Test func newMiningJobOptionMustBeZeroOrOne() throws {
        var payload = NewMiningJob(channelID: 7, jobID: 1, minNtime: 5, version: 1, merkleRoot: .zero).payload
        #expect(payload.count == 49)
        payload[8] = 2
        let e = #expect(throws: SV2Error(.invalidOption)) { try NewMiningJob.decode(payload: payload) }
        #expect(e?.offset == 8)
        // A future job (45 bytes) followed by 4 stray bytes is not silently read as an active one.
        let future = NewMiningJob(channelID: 7, jobID: 1, minNtime: nil, version: 1, merkleRoot: .zero)
        #expect(future.isFuture && future.payload.count == 45)
        #expect(throws: SV2Error(.trailingBytes)) { try NewMiningJob.decode(payload: future.payload + [0, 0, 0, 0]) }
    }

    @Test func channelIDAndFrameHelpers() throws {
        let share = SubmitSharesStandard(channelID: 0xA1B2_C3D4, sequenceNumber: 1, jobID: 2, nonce: 3, ntime: 4, version: 5)
        #expect(share.message.channelID == 0xA1B2_C3D4)
        #expect(share.frame.channelID == 0xA1B2_C3D4)
        #expect(share.frame.header.bytes == [0x00, 0x80, 0x1A, 24, 0, 0])
        #expect(SetGroupChannel(groupChannelID: 1, channelIDs: []).message.channelID == nil)
        #expect(SetGroupChannel(groupChannelID: 1, channelIDs: []).frame.channelID == nil)
        // A frame rebuilt from a (decrypted) header must agree with its payload's length.
        let header = try SV2FrameHeader(decoding: share.frame.bytes.prefix(6))
        #expect(try SV2Frame(header: header, payload: share.payload) == share.frame)
        #expect(throws: SV2Error(.truncatedFrame)) { try SV2Frame(header: header, payload: Array(share.payload.dropLast())) }
        #expect(throws: SV2Error(.trailingBytes)) { try SV2Frame(header: header, payload: share.payload + [0]) }
    }

    @Test func wholeFrameDecodeChecksLengthAndLeftovers() throws {
        let bytes = SetTarget(channelID: 1, maximumTarget: .zero).frame.bytes
        #expect(try SV2Frame.decode(bytes).payload.count == 36)
        #expect(throws: SV2Error(.truncated)) { try SV2Frame.decode(Array(bytes.dropLast())) }
        #expect(throws: SV2Error(.truncated)) { try SV2Frame.decode(Array(bytes.prefix(5))) }
        #expect(throws: SV2Error(.trailingBytes)) { try SV2Frame.decode(bytes + [0]) }
        #expect(throws: SV2Error(.frameTooLarge)) { try SV2Frame.decode(bytes, maxPayload: 35) }
        #expect(throws: SV2Error(.frameTooLarge)) { try SV2Frame.decode([0, 0, 0, 0xFF, 0xFF, 0xFF], maxPayload: 1024) }
    }
}

@Suite("SV2 error codes") struct SV2ErrorCodeTests {
    @Test func namedCodesRoundTripAndAreDistinct() throws {
        let wires = SV2ErrorCode.allNamed.map(\.wire)
        #expect(Set(wires).count == wires.count)
        for code in SV2ErrorCode.allNamed {
            #expect(SV2ErrorCode(wire: code.wire) == code)
            #expect(code.isNamed)
            #expect(try SV2ErrorCode(sv2Bytes: code.sv2Bytes) == code)
            // Printable ASCII, kebab-case, as the spec now requires of senders.
            #expect(code.wire.utf8.allSatisfy { (0x61...0x7A).contains($0) || $0 == 0x2D })
        }
    }

    @Test func theSpecAndSRIStringsAreSpelledExactly() {
        let expected: [SV2ErrorCode: String] = [
            .unsupportedFeatureFlags: "unsupported-feature-flags", .unsupportedProtocol: "unsupported-protocol",
            .protocolVersionMismatch: "protocol-version-mismatch", .unknownUser: "unknown-user",
            .invalidChannelID: "invalid-channel-id", .staleShare: "stale-share",
            .difficultyTooLow: "difficulty-too-low", .invalidJobID: "invalid-job-id",
            .maxTargetOutOfRange: "max-target-out-of-range", .duplicateShare: "duplicate-share",
            .invalidShare: "invalid-share", .badExtranonceSize: "bad-extranonce-size",
            .versionRollingNotAllowed: "version-rolling-not-allowed",
            .invalidNonRollableVersionBit: "invalid-non-rollable-version-bit",
            .unsupportedMinExtranonceSize: "unsupported-min-extranonce-size",
        ]
        for (code, text) in expected { #expect(code.wire.string == text) }
    }

    @Test func unknownCodesFromPeersAreKeptVerbatim() throws {
        let received = try SubmitSharesError.decode(payload: hexBytes("0700000001000000" + "0c" + "72617465" + "2d6c696d69746564"))
        #expect(received.errorCode == .other("rate-limited"))
        #expect(!received.errorCode.isNamed)
        #expect(received.payload.hex == "0700000001000000" + "0c" + "726174652d6c696d69746564")
        // Spelled as .other, a known string is still the named code.
        #expect(SV2ErrorCode.other("stale-share") == .staleShare)
        #expect(Set([SV2ErrorCode.other("stale-share"), .staleShare]).count == 1)
        // Invalid UTF-8 in an error code is refused like any STR0_255.
        #expect(throws: SV2Error(.invalidUTF8)) { try SubmitSharesError.decode(payload: hexBytes("0700000001000000" + "01" + "ff")) }
    }
}
