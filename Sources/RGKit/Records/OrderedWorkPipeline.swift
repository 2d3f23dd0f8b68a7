import Dispatch

/// Runs an expensive, independent step on several threads while handing results back strictly
/// in submission order. `rg-verify` prepares (parses and re-derives) templates in parallel this
/// way but still judges and prints them in input order.
public final class OrderedWorkPipeline<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private final class Slot: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var output: Output?
        let startedNs: UInt64
        init(startedNs: UInt64) { self.startedNs = startedNs }
    }

    private let work: @Sendable (Input) -> Output
    private let maxInFlight: Int
    private let queue = DispatchQueue(label: "rg.ordered-work", attributes: .concurrent)
    private var pending: [Slot] = []
    private var head = 0

    /// `maxInFlight` bounds memory: at most that many inputs are held at once.
    public init(maxInFlight: Int, work: @escaping @Sendable (Input) -> Output) {
        self.maxInFlight = max(1, maxInFlight)
        self.work = work
    }

    /// Queues `input`; first delivers the oldest results if the window is full.
    /// `deliver` gets each output with the monotonic time its work started.
    public func submit(_ input: Input, deliver: (Output, UInt64) throws -> Void) rethrows {
        while pending.count - head >= maxInFlight { try deliverOldest(deliver) }
        let slot = Slot(startedNs: MonotonicClock.nanoseconds())
        pending.append(slot)
        let work = self.work
        queue.async {
            slot.output = work(input)
            slot.done.signal()
        }
    }

    /// Delivers every result still outstanding, in order.
    public func drain(_ deliver: (Output, UInt64) throws -> Void) rethrows {
        while head < pending.count { try deliverOldest(deliver) }
    }

    private func deliverOldest(_ deliver: (Output, UInt64) throws -> Void) rethrows {
        let slot = pending[head]
        slot.done.wait()
        head += 1
        if head > 64 && head * 2 > pending.count {
            pending.removeFirst(head)
            head = 0
        }
        guard let output = slot.output else { return }
        slot.output = nil
        try deliver(output, slot.startedNs)
    }
}
