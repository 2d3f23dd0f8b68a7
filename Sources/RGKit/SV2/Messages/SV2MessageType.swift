/// The common and mining message types this codec implements (stratum-v2.md §3.1, SRI
/// `common_messages_sv2` / `mining_sv2` MESSAGE_TYPE_* and CHANNEL_BIT_* constants).
/// SetCustomMiningJob (0x22–0x24) is not implemented: a standard-channel gateway never sees it.
public enum SV2MessageType: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    case setupConnection = 0x00
    case setupConnectionSuccess = 0x01
    case setupConnectionError = 0x02
    case channelEndpointChanged = 0x03
    case reconnect = 0x04
    case openStandardMiningChannel = 0x10
    case openStandardMiningChannelSuccess = 0x11
    case openMiningChannelError = 0x12
    case openExtendedMiningChannel = 0x13
    case openExtendedMiningChannelSuccess = 0x14
    case newMiningJob = 0x15
    case updateChannel = 0x16
    case updateChannelError = 0x17
    case closeChannel = 0x18
    case setExtranoncePrefix = 0x19
    case submitSharesStandard = 0x1A
    case submitSharesExtended = 0x1B
    case submitSharesSuccess = 0x1C
    case submitSharesError = 0x1D
    case newExtendedMiningJob = 0x1F
    case setNewPrevHash = 0x20
    case setTarget = 0x21
    case setGroupChannel = 0x25

    /// Who sends it.
    public enum Sender: Sendable { case client, server, either }

    /// The `channel_msg` bit the frame must carry. A frame whose bit disagrees is refused.
    public var isChannelMessage: Bool {
        switch self {
        case .channelEndpointChanged, .newMiningJob, .updateChannel, .updateChannelError, .closeChannel,
             .setExtranoncePrefix, .submitSharesStandard, .submitSharesExtended, .submitSharesSuccess,
             .submitSharesError, .newExtendedMiningJob, .setNewPrevHash, .setTarget:
            true
        case .setupConnection, .setupConnectionSuccess, .setupConnectionError, .reconnect,
             .openStandardMiningChannel, .openStandardMiningChannelSuccess, .openMiningChannelError,
             .openExtendedMiningChannel, .openExtendedMiningChannelSuccess, .setGroupChannel:
            false
        }
    }

    public var sender: Sender {
        switch self {
        case .setupConnection, .openStandardMiningChannel, .openExtendedMiningChannel, .updateChannel,
             .submitSharesStandard, .submitSharesExtended:
            .client
        case .closeChannel:
            .either
        case .setupConnectionSuccess, .setupConnectionError, .channelEndpointChanged, .reconnect,
             .openStandardMiningChannelSuccess, .openMiningChannelError, .openExtendedMiningChannelSuccess,
             .newMiningJob, .updateChannelError, .setExtranoncePrefix, .submitSharesSuccess, .submitSharesError,
             .newExtendedMiningJob, .setNewPrevHash, .setTarget, .setGroupChannel:
            .server
        }
    }

    /// The spec's name, e.g. "SetupConnection.Success".
    public var name: String {
        switch self {
        case .setupConnection: "SetupConnection"
        case .setupConnectionSuccess: "SetupConnection.Success"
        case .setupConnectionError: "SetupConnection.Error"
        case .channelEndpointChanged: "ChannelEndpointChanged"
        case .reconnect: "Reconnect"
        case .openStandardMiningChannel: "OpenStandardMiningChannel"
        case .openStandardMiningChannelSuccess: "OpenStandardMiningChannel.Success"
        case .openMiningChannelError: "OpenMiningChannel.Error"
        case .openExtendedMiningChannel: "OpenExtendedMiningChannel"
        case .openExtendedMiningChannelSuccess: "OpenExtendedMiningChannel.Success"
        case .newMiningJob: "NewMiningJob"
        case .updateChannel: "UpdateChannel"
        case .updateChannelError: "UpdateChannel.Error"
        case .closeChannel: "CloseChannel"
        case .setExtranoncePrefix: "SetExtranoncePrefix"
        case .submitSharesStandard: "SubmitSharesStandard"
        case .submitSharesExtended: "SubmitSharesExtended"
        case .submitSharesSuccess: "SubmitShares.Success"
        case .submitSharesError: "SubmitShares.Error"
        case .newExtendedMiningJob: "NewExtendedMiningJob"
        case .setNewPrevHash: "SetNewPrevHash"
        case .setTarget: "SetTarget"
        case .setGroupChannel: "SetGroupChannel"
        }
    }

    public var description: String { name }

    /// Smallest valid payload (every variable field empty, OPTION absent); the "41" of "41+L".
    public var minPayloadLength: Int {
        switch self {
        case .setupConnection: 16               // 1+2+2+4 + 1 + 2 + 4×1
        case .setupConnectionSuccess: 6
        case .setupConnectionError: 5
        case .channelEndpointChanged: 4
        case .reconnect: 3
        case .openStandardMiningChannel: 41
        case .openStandardMiningChannelSuccess: 45
        case .openMiningChannelError: 5
        case .openExtendedMiningChannel: 43
        case .openExtendedMiningChannelSuccess: 47
        case .newMiningJob: 45
        case .updateChannel: 40
        case .updateChannelError: 5
        case .closeChannel: 5
        case .setExtranoncePrefix: 5
        case .submitSharesStandard: 24
        case .submitSharesExtended: 25
        case .submitSharesSuccess: 20
        case .submitSharesError: 9
        case .newExtendedMiningJob: 19          // 4+4+1+4+1 + 1 + 2+2
        case .setNewPrevHash: 48
        case .setTarget: 36
        case .setGroupChannel: 6
        }
    }

    /// Largest valid payload (every variable field at its type maximum). A frame announcing more
    /// for this type cannot hold a valid message.
    public var maxPayloadLength: Int {
        switch self {
        case .setupConnection: 16 + 5 * 255
        case .openStandardMiningChannel: 41 + 255
        case .openStandardMiningChannelSuccess: 45 + 32
        case .openExtendedMiningChannel: 43 + 255
        case .openExtendedMiningChannelSuccess: 47 + 32
        case .setupConnectionError, .openMiningChannelError, .updateChannelError, .closeChannel, .submitSharesError,
             .reconnect:
            minPayloadLength + 255
        case .setExtranoncePrefix, .submitSharesExtended: minPayloadLength + 32
        case .newMiningJob: 49
        case .newExtendedMiningJob: 19 + 4 + 255 * 32 + 2 * 0xFFFF
        case .setGroupChannel: 6 + 4 * 0xFFFF
        case .setupConnectionSuccess, .channelEndpointChanged, .updateChannel, .submitSharesStandard,
             .submitSharesSuccess, .setNewPrevHash, .setTarget:
            minPayloadLength
        }
    }

    /// Largest payload of any message here (SetGroupChannel with 65535 ids: 262,146 bytes).
    public static let largestPayloadLength = allCases.map(\.maxPayloadLength).max() ?? 0

    /// Largest payload a peer in this role can legitimately send: 1291 bytes (SetupConnection) for
    /// a client, 262,146 for a server. A gateway's frame decoder can refuse anything bigger from
    /// the header alone.
    public static func largestPayloadLength(sentBy sender: Sender) -> Int {
        allCases.filter { $0.sender == sender || $0.sender == .either || sender == .either }
            .map(\.maxPayloadLength).max() ?? 0
    }
}
