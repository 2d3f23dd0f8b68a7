/// Remembers the best height the verifier has seen, so a template built on a tip the chain has
/// already left (`tip_regressed`) is caught. A source that really reorganised to a lower tip
/// keeps sending templates on it; after `followAfter` consecutive templates on the same lower
/// tip the tracker follows it instead of rejecting forever.
public struct TipTracker: Sendable, Equatable {
    public private(set) var bestHeight: Int64?
    public var followAfter: Int
    private var lowerTip: (height: Int64, prevHash: String, count: Int)?

    public init(followAfter: Int = 3) { self.followAfter = followAfter }

    public static func == (a: TipTracker, b: TipTracker) -> Bool { a.bestHeight == b.bestHeight && a.followAfter == b.followAfter }

    /// Records a template's tip. Call after evaluating it against the previous `bestHeight`.
    public mutating func observe(height: Int64, prevHash: String) {
        guard let best = bestHeight, height < best else {
            bestHeight = max(bestHeight ?? height, height)
            lowerTip = nil
            return
        }
        if let tip = lowerTip, tip.height == height, tip.prevHash == prevHash {
            lowerTip = (height, prevHash, tip.count + 1)
        } else {
            lowerTip = (height, prevHash, 1)
        }
        if let tip = lowerTip, tip.count >= followAfter {
            bestHeight = height
            lowerTip = nil
        }
    }
}
