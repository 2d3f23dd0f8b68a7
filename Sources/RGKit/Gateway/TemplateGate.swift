/// How templates become work, per gateway mode.
///
/// - `observe`: every template's job goes out as soon as the template arrives; the policy
///   verdict is only recorded (telemetry: "what would inline have done").
/// - `inline`: only accepted templates become jobs — with one escape hatch. When the tip
///   changes, the jobs miners hold are stale (a block on them would be an orphan), so the
///   gateway waits at most `stale-hold` (default 2 s) for an accepted template on the new tip;
///   after that it releases the newest rejected (or still unjudged) template for that tip
///   with a `policy_override` record rather than let miners hash on a stale tip. When the
///   rejection shows that no block from the template could be valid (its transactions break a
///   consensus rule), releasing it would only swap a stale tip for certain rejections at the node:
///   the release is then marked `coinbaseOnly`, and the caller sends a job with no transaction
///   but the coinbase on the same tip. A rejected
///   *refresh* on the current tip changes nothing: miners keep the last accepted job, which is
///   still on the current tip. The gateway never shuts down over this (the reference one did).
///
/// Templates waiting for a verdict (`templateArrived` without one) are held in a buffer of at
/// most two (the "dual prevhash buffer": typically the new tip's template and one refresh);
/// a third evicts the oldest. The common pipeline delivers template and verdict together
/// (`judgedTemplateArrived`: a `verdict` record carrying its template).
///
/// The tip is whatever the newest template builds on: templates come from one node, in order,
/// so the latest one is the node's view, even after a reorg back to an earlier block.
/// Pure: time is passed in, decisions come out; the caller (`GatewayCore`) turns a release into
/// jobs.
public struct TemplateGate: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case observe, inline
    }

    /// What the gateway knew of the policy when a template went out.
    public enum Verdict: Sendable, Equatable {
        case accepted
        case rejected(reasonCode: String?)
        case pending

        public var name: String {
            switch self {
            case .accepted: "accepted"
            case .rejected: "rejected"
            case .pending: "pending"
            }
        }
        public var reasonCode: String? {
            if case .rejected(let code) = self { return code }
            return nil
        }
    }

    /// A stale-hold release: why, and how long miners were held.
    public struct Override: Sendable, Equatable {
        public var reason: PolicyOverrideRecord.Reason
        public var heldMs: Int64
    }

    public enum Decision: Sendable {
        /// Make jobs from this template (a new tip when its prevhash differs from the jobs out).
        case release(JobTemplate, Verdict, Override?)
        /// Inline: a rejected template was not released (miners keep their current job, or wait
        /// for the stale-hold).
        case withheld(templateID: String, reasonCode: String?)
        /// Observe: a verdict for a template that is already out; recorded, nothing else.
        case verdictObserved(templateID: String, accepted: Bool, reasonCode: String?)
        /// A waiting template left the buffer unreleased: evicted by newer ones, superseded by a
        /// new tip, or a verdict for a template the gateway does not hold.
        case dropped(templateID: String, reason: String)
    }

    public let mode: Mode
    public let staleHoldMs: Int64
    public let maxPending: Int

    /// The tip of the newest template.
    public private(set) var currentTip: BlockHash?
    /// The tip of the jobs miners have (nil before the first release).
    public private(set) var releasedTip: BlockHash?
    /// When the current tip was first seen while miners were on another one.
    public private(set) var holdSinceMs: Int64?
    /// Inline: templates waiting for their verdict, oldest first.
    public private(set) var pending: [JobTemplate] = []
    /// Inline: the newest rejected template for the current tip, with its reason.
    private var rejectedCandidate: (template: JobTemplate, reasonCode: String?, blocksCannotBeValid: Bool)?

    public init(mode: Mode, staleHoldMs: Int64 = 2_000, maxPending: Int = 2) {
        self.mode = mode
        self.staleHoldMs = max(0, staleHoldMs)
        self.maxPending = max(1, maxPending)
    }

    /// A template without a verdict yet.
    public mutating func templateArrived(_ t: JobTemplate, nowMs: Int64) -> [Decision] {
        var out = noteTip(t, nowMs: nowMs)
        switch mode {
        case .observe:
            out.append(release(t, .pending, nil))
        case .inline:
            pending.append(t)
            while pending.count > maxPending {
                out.append(.dropped(templateID: pending.removeFirst().templateID, reason: "evicted"))
            }
            out += expireHold(nowMs: nowMs)
        }
        return out
    }

    /// The verdict for a template that arrived earlier (`templateArrived`). `blocksCannotBeValid`:
    /// the rejection shows any block from the template would be invalid
    /// (`VerdictRecord.blocksCannotBeValid`).
    public mutating func verdictArrived(templateID: String, accepted: Bool, reasonCode: String?,
                                        blocksCannotBeValid: Bool = false, nowMs: Int64) -> [Decision] {
        switch mode {
        case .observe:
            return [.verdictObserved(templateID: templateID, accepted: accepted, reasonCode: reasonCode)]
        case .inline:
            guard let index = pending.lastIndex(where: { $0.templateID == templateID }) else {
                return [.dropped(templateID: templateID, reason: "unknown_template")]
            }
            let t = pending.remove(at: index)
            return judged(t, accepted: accepted, reasonCode: reasonCode, blocksCannotBeValid: blocksCannotBeValid, nowMs: nowMs)
        }
    }

    /// A template with its verdict (the usual input: a `verdict` record carrying its template).
    public mutating func judgedTemplateArrived(_ t: JobTemplate, accepted: Bool, reasonCode: String?,
                                               blocksCannotBeValid: Bool = false, nowMs: Int64) -> [Decision] {
        var out = noteTip(t, nowMs: nowMs)
        out += judged(t, accepted: accepted, reasonCode: reasonCode, blocksCannotBeValid: blocksCannotBeValid, nowMs: nowMs)
        return out
    }

    /// Time passes: releases a held tip once `stale-hold` has expired.
    public mutating func tick(nowMs: Int64) -> [Decision] {
        expireHold(nowMs: nowMs)
    }

    // MARK: rules

    private mutating func noteTip(_ t: JobTemplate, nowMs: Int64) -> [Decision] {
        guard t.prevHash != currentTip else { return [] }
        currentTip = t.prevHash
        rejectedCandidate = nil
        var out: [Decision] = []
        // Waiting templates for the old tip can never be released now.
        let stale = pending.filter { $0.prevHash != t.prevHash }
        pending.removeAll { $0.prevHash != t.prevHash }
        out += stale.map { .dropped(templateID: $0.templateID, reason: "superseded_by_new_tip") }
        holdSinceMs = releasedTip == currentTip ? nil : nowMs
        return out
    }

    private mutating func judged(_ t: JobTemplate, accepted: Bool, reasonCode: String?, blocksCannotBeValid: Bool,
                                 nowMs: Int64) -> [Decision] {
        guard t.prevHash == currentTip else {
            return [.dropped(templateID: t.templateID, reason: "superseded_by_new_tip")]
        }
        let verdict: Verdict = accepted ? .accepted : .rejected(reasonCode: reasonCode)
        switch mode {
        case .observe:
            return [release(t, verdict, nil)]
        case .inline:
            if accepted {
                // An accepted template for the tip supersedes anything still waiting for it.
                return [release(t, verdict, nil)]
            }
            if releasedTip == currentTip {
                return [.withheld(templateID: t.templateID, reasonCode: reasonCode)]
            }
            rejectedCandidate = (t, reasonCode, blocksCannotBeValid && !accepted)
            return [.withheld(templateID: t.templateID, reasonCode: reasonCode)] + expireHold(nowMs: nowMs)
        }
    }

    private mutating func expireHold(nowMs: Int64) -> [Decision] {
        guard mode == .inline, let since = holdSinceMs, releasedTip != currentTip, nowMs - since >= staleHoldMs else { return [] }
        let held = nowMs - since
        if let candidate = rejectedCandidate {
            return [release(candidate.template, .rejected(reasonCode: candidate.reasonCode),
                            Override(reason: candidate.blocksCannotBeValid ? .releasedCoinbaseOnly : .releasedRejected, heldMs: held))]
        }
        if let index = pending.lastIndex(where: { $0.prevHash == currentTip }) {
            let t = pending.remove(at: index)
            return [release(t, .pending, Override(reason: .releasedUnverified, heldMs: held))]
        }
        return []
    }

    private mutating func release(_ t: JobTemplate, _ verdict: Verdict, _ override: Override?) -> Decision {
        releasedTip = t.prevHash
        if releasedTip == currentTip {
            holdSinceMs = nil
            rejectedCandidate = nil
        }
        return .release(t, verdict, override)
    }
}
