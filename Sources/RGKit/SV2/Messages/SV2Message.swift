/// Any common or mining message this codec implements. `init(frame:)` is the one entry point for
/// bytes from a peer: it checks the frame against the type table (stratum-v2.md §3.1) and hands the
/// payload to the right decoder; `frame` goes the other way.
public enum SV2Message: Hashable, Sendable {
    case setupConnection(SetupConnection)
    case setupConnectionSuccess(SetupConnectionSuccess)
    case setupConnectionError(SetupConnectionError)
    case channelEndpointChanged(ChannelEndpointChanged)
    case reconnect(Reconnect)
    case openStandardMiningChannel(OpenStandardMiningChannel)
    case openStandardMiningChannelSuccess(OpenStandardMiningChannelSuccess)
    case openMiningChannelError(OpenMiningChannelError)
    case openExtendedMiningChannel(OpenExtendedMiningChannel)
    case openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess)
    case newMiningJob(NewMiningJob)
    case updateChannel(UpdateChannel)
    case updateChannelError(UpdateChannelError)
    case closeChannel(CloseChannel)
    case setExtranoncePrefix(SetExtranoncePrefix)
    case submitSharesStandard(SubmitSharesStandard)
    case submitSharesExtended(SubmitSharesExtended)
    case submitSharesSuccess(SubmitSharesSuccess)
    case submitSharesError(SubmitSharesError)
    case newExtendedMiningJob(NewExtendedMiningJob)
    case setNewPrevHash(SetNewPrevHash)
    case setTarget(SetTarget)
    case setGroupChannel(SetGroupChannel)

    /// Decodes a frame from a peer. Checks, in order:
    /// 1. `extension_type` without the channel bit must be 0, else `unsupportedExtension` (the spec
    ///    says to ignore such messages: catch this code and drop the frame if that is the policy);
    /// 2. `msg_type` must be in the table, else `unknownMessageType`;
    /// 3. the `channel_msg` bit must match the table, else `channelBitMismatch`;
    /// 4. the payload must decode completely (`SV2MessageBody.decode(payload:)`).
    public init(frame: SV2Frame) throws(SV2Error) {
        guard frame.extensionID == 0 else {
            throw SV2Error(.unsupportedExtension, at: 0,
                           "extension 0x\(String(frame.extensionID, radix: 16)), msg_type 0x\(hex2(frame.msgType))")
        }
        guard let type = SV2MessageType(rawValue: frame.msgType) else {
            throw SV2Error(.unknownMessageType, at: 2, "msg_type 0x\(hex2(frame.msgType)) is not a common or mining message this codec implements")
        }
        guard frame.isChannelMessage == type.isChannelMessage else {
            throw SV2Error(.channelBitMismatch, at: 1,
                           "\(type.name) must \(type.isChannelMessage ? "set" : "clear") the channel_msg bit")
        }
        try self.init(type: type, payload: frame.payload)
    }

    /// Decodes a payload whose type is already known (e.g. after the Noise layer checked the header).
    public init(type: SV2MessageType, payload p: [UInt8]) throws(SV2Error) {
        switch type {
        case .setupConnection: self = .setupConnection(try .decode(payload: p))
        case .setupConnectionSuccess: self = .setupConnectionSuccess(try .decode(payload: p))
        case .setupConnectionError: self = .setupConnectionError(try .decode(payload: p))
        case .channelEndpointChanged: self = .channelEndpointChanged(try .decode(payload: p))
        case .reconnect: self = .reconnect(try .decode(payload: p))
        case .openStandardMiningChannel: self = .openStandardMiningChannel(try .decode(payload: p))
        case .openStandardMiningChannelSuccess: self = .openStandardMiningChannelSuccess(try .decode(payload: p))
        case .openMiningChannelError: self = .openMiningChannelError(try .decode(payload: p))
        case .openExtendedMiningChannel: self = .openExtendedMiningChannel(try .decode(payload: p))
        case .openExtendedMiningChannelSuccess: self = .openExtendedMiningChannelSuccess(try .decode(payload: p))
        case .newMiningJob: self = .newMiningJob(try .decode(payload: p))
        case .updateChannel: self = .updateChannel(try .decode(payload: p))
        case .updateChannelError: self = .updateChannelError(try .decode(payload: p))
        case .closeChannel: self = .closeChannel(try .decode(payload: p))
        case .setExtranoncePrefix: self = .setExtranoncePrefix(try .decode(payload: p))
        case .submitSharesStandard: self = .submitSharesStandard(try .decode(payload: p))
        case .submitSharesExtended: self = .submitSharesExtended(try .decode(payload: p))
        case .submitSharesSuccess: self = .submitSharesSuccess(try .decode(payload: p))
        case .submitSharesError: self = .submitSharesError(try .decode(payload: p))
        case .newExtendedMiningJob: self = .newExtendedMiningJob(try .decode(payload: p))
        case .setNewPrevHash: self = .setNewPrevHash(try .decode(payload: p))
        case .setTarget: self = .setTarget(try .decode(payload: p))
        case .setGroupChannel: self = .setGroupChannel(try .decode(payload: p))
        }
    }

    /// The wrapped message as its protocol type.
    public var body: any SV2MessageBody {
        switch self {
        case .setupConnection(let m): m
        case .setupConnectionSuccess(let m): m
        case .setupConnectionError(let m): m
        case .channelEndpointChanged(let m): m
        case .reconnect(let m): m
        case .openStandardMiningChannel(let m): m
        case .openStandardMiningChannelSuccess(let m): m
        case .openMiningChannelError(let m): m
        case .openExtendedMiningChannel(let m): m
        case .openExtendedMiningChannelSuccess(let m): m
        case .newMiningJob(let m): m
        case .updateChannel(let m): m
        case .updateChannelError(let m): m
        case .closeChannel(let m): m
        case .setExtranoncePrefix(let m): m
        case .submitSharesStandard(let m): m
        case .submitSharesExtended(let m): m
        case .submitSharesSuccess(let m): m
        case .submitSharesError(let m): m
        case .newExtendedMiningJob(let m): m
        case .setNewPrevHash(let m): m
        case .setTarget(let m): m
        case .setGroupChannel(let m): m
        }
    }

    public var messageType: SV2MessageType { type(of: body).messageType }

    /// The payload bytes (no header).
    public var payload: [UInt8] {
        var writer = SV2Writer(capacity: messageType.minPayloadLength + 16)
        body.encode(to: &writer)
        return writer.bytes
    }

    /// The frame to send, with the channel bit from the type table.
    public var frame: SV2Frame {
        SV2Frame(msgType: messageType.rawValue, isChannelMessage: messageType.isChannelMessage, payload: payload)
    }

    /// The channel a channel message is about (its first field), nil for the others.
    public var channelID: UInt32? {
        switch self {
        case .channelEndpointChanged(let m): m.channelID
        case .newMiningJob(let m): m.channelID
        case .updateChannel(let m): m.channelID
        case .updateChannelError(let m): m.channelID
        case .closeChannel(let m): m.channelID
        case .setExtranoncePrefix(let m): m.channelID
        case .submitSharesStandard(let m): m.channelID
        case .submitSharesExtended(let m): m.channelID
        case .submitSharesSuccess(let m): m.channelID
        case .submitSharesError(let m): m.channelID
        case .newExtendedMiningJob(let m): m.channelID
        case .setNewPrevHash(let m): m.channelID
        case .setTarget(let m): m.channelID
        case .setupConnection, .setupConnectionSuccess, .setupConnectionError, .reconnect,
             .openStandardMiningChannel, .openStandardMiningChannelSuccess, .openMiningChannelError,
             .openExtendedMiningChannel, .openExtendedMiningChannelSuccess, .setGroupChannel:
            nil
        }
    }
}
