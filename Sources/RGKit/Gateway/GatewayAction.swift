/// The shell's name for one miner connection (one Noise session). Any unique number.
public typealias ConnectionID = UInt64

/// What the gateway's core asks its shell to do. The core never touches a socket, a clock or a
/// file: `GatewayCore` takes events and returns these, in the order they must happen (a
/// `.send` of a future job always precedes the `.send` of its SetNewPrevHash, a block record
/// comes before anything else produced by the same share).
public enum GatewayAction: Sendable {
    /// Encode and send this SV2 message to that connection.
    case send(ConnectionID, SV2Message)
    /// Write this record (stdout NDJSON and/or the store). A `block` record is urgent: flush it
    /// before anything else, `rg-fetch submit` is waiting for it.
    case record(GatewayRecord)
    /// Something about a template worth a log line or a metric, not a record.
    case notice(TemplateNotice)
}

/// Receives a run of actions while the core goes on making the rest of them: a new tip makes
/// two messages for every channel, and with 10,000 channels the shell would otherwise wait for
/// all 20,000 before writing the first. Runs arrive in order, and what the call finally returns
/// follows the last run; a connection's messages are never split across a run boundary
/// out of order.
public typealias GatewayActionHandoff = (_ run: [GatewayAction]) -> Void

/// The records the gateway produces (ARCHITECTURE §2), encodable with a fixed field order.
public enum GatewayRecord: Sendable, Equatable {
    case job(JobRecord)
    case share(ShareRecord)
    case channel(ChannelRecord)
    case block(BlockRecord)
    case policyOverride(PolicyOverrideRecord)

    /// The NDJSON line without its newline.
    public func encoded() -> [UInt8] {
        switch self {
        case .job(let r): r.encoded()
        case .share(let r): r.encoded()
        case .channel(let r): r.encoded()
        case .block(let r): r.encoded()
        case .policyOverride(let r): r.encoded()
        }
    }

    /// Appends the NDJSON line without its newline to `buffer`; a share record (one per share)
    /// is written in place rather than through an array of its own.
    public func encode(appendingTo buffer: inout [UInt8]) {
        guard case .share(let r) = self else {
            buffer.append(contentsOf: encoded())
            return
        }
        var w = JSONWriter(appendingTo: buffer)
        buffer = []
        r.encode(into: &w)
        buffer = w.takeBytes()
    }

    public var type: String {
        switch self {
        case .job: JobRecord.type
        case .share: ShareRecord.type
        case .channel: ChannelRecord.type
        case .block: BlockRecord.type
        case .policyOverride: PolicyOverrideRecord.type
        }
    }
}

/// A template event that produced no job: for logs and metrics.
public struct TemplateNotice: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Inline: rejected and not released.
        case withheld
        /// Left the waiting buffer unreleased (`reason` says why).
        case dropped
        /// Observe: the verdict for a template already out.
        case verdictObserved = "verdict_observed"
        /// Could not be turned into work (`reason` holds the coinbase/template error).
        case refused
    }
    public var kind: Kind
    public var templateID: String
    /// The policy reason code, or why it was dropped/refused.
    public var reason: String?
    public var accepted: Bool?
}
