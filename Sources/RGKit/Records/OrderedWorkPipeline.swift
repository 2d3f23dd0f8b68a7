import Dispatch
import Foundation

/// Runs an expensive, independent step on several threads and delivers the results strictly in
/// submission order, each as soon as it and everything before it is done. `rg-verify` prepares
/// (parses and re-derives) templates this way on both cores while a delivery thread judges and
/// prints them in input order — a verdict never waits for later input to arrive.
public final class OrderedWorkPipeline<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private final class Slot: @unchecked Sendable {
        var output: Output?
    }

    private let work: @Sendable (Input) -> Output
    private let deliver: (Output) -> Void
    private let maxInFlight: Int
    private let queue = DispatchQueue(label: "rg.ordered-work", attributes: .concurrent)
    private let condition = NSCondition()
    private var slots: [Slot] = []
    private var head = 0
    private var finished = false
    /// True while some thread is inside `deliver`; at most one ever is, which keeps order.
    private var delivering = false
    private let deliveryDone = DispatchSemaphore(value: 0)

    /// `maxInFlight` bounds memory: `submit` waits while that many inputs are unfinished or
    /// undelivered. `deliver` runs on one dedicated thread, in submission order.
    public init(maxInFlight: Int, work: @escaping @Sendable (Input) -> Output, deliver: @escaping (Output) -> Void) {
        self.maxInFlight = max(1, maxInFlight)
        self.work = work
        self.deliver = deliver
        let thread = Thread { [unowned self] in self.deliveryLoop() }
        thread.name = "rg.ordered-delivery"
        thread.start()
    }

    /// Queues `input`. With `inline`, the work runs on the caller's thread (cheaper than a
    /// hand-off for small inputs); either way the result is delivered in order.
    public func submit(_ input: Input, inline: Bool = false) {
        if inline {
            condition.lock()
            if head == slots.count && !delivering {
                // Nothing queued and nobody delivering: deliver right here, no thread hop
                // (the compact-record path runs at 100,000+ records/s).
                delivering = true
                condition.unlock()
                deliver(work(input))
                condition.lock()
                delivering = false
                // Only wake the delivery thread if it has something to do: an unconditional
                // broadcast cost two context switches per compact record.
                if head < slots.count || finished { condition.broadcast() }
                condition.unlock()
                return
            }
            condition.unlock()
        }
        let slot = Slot()
        condition.lock()
        while slots.count - head >= maxInFlight { condition.wait() }
        slots.append(slot)
        condition.unlock()
        if inline {
            complete(slot, with: work(input))
        } else {
            let work = self.work
            queue.async { self.complete(slot, with: work(input)) }
        }
    }

    /// Waits until everything submitted has been delivered, then stops the delivery thread.
    public func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
        deliveryDone.wait()
    }

    private func complete(_ slot: Slot, with output: Output) {
        condition.lock()
        slot.output = output
        condition.broadcast()
        condition.unlock()
    }

    private func deliveryLoop() {
        while true {
            condition.lock()
            while !(head < slots.count && slots[head].output != nil && !delivering) && !(finished && head == slots.count && !delivering) {
                condition.wait()
            }
            if head == slots.count {   // finished and drained
                condition.unlock()
                deliveryDone.signal()
                return
            }
            let slot = slots[head]
            let output = slot.output!
            slot.output = nil
            head += 1
            if head > 64 && head * 2 > slots.count {
                slots.removeFirst(head)
                head = 0
            }
            delivering = true
            condition.broadcast()   // room for the submitter
            condition.unlock()
            deliver(output)
            condition.lock()
            delivering = false
            condition.broadcast()
            condition.unlock()
        }
    }
}
