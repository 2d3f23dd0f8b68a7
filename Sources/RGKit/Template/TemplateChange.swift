/// Decides whether a freshly fetched template is new work: a template is emitted only when its
/// stable id (TemplateID: tip, height, coinbase value, transaction set) differs from the last
/// one emitted. `curtime`, `longpollid` and other per-call fields do not count, so a node
/// answering the same work twice — or the same node again after an outage — never produces a
/// duplicate record. Pure: no clock, no I/O.
public struct TemplateChangeDetector: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        /// The first template seen.
        case first
        /// A different previous block: a new block was found (or the tip was reorganised).
        case newTip
        /// The same tip with a different transaction set or fees.
        case newTransactions
        /// The same work as the last template emitted.
        case unchanged

        /// Whether the template should be emitted.
        public var isChange: Bool { self != .unchanged }
    }

    public private(set) var lastID: String?
    public private(set) var lastPreviousBlockHash: String?
    public private(set) var lastHeight: Int64?

    public init() {}

    public mutating func observe(id: String, previousBlockHash: String, height: Int64) -> Change {
        defer {
            lastID = id
            lastPreviousBlockHash = previousBlockHash
            lastHeight = height
        }
        guard let lastID else { return .first }
        if id == lastID { return .unchanged }
        if previousBlockHash != lastPreviousBlockHash || height != lastHeight { return .newTip }
        return .newTransactions
    }

    public mutating func observe(_ template: BlockTemplate, id: String) -> Change {
        observe(id: id, previousBlockHash: template.previousBlockHashText, height: template.height)
    }
}
