import Foundation
import Logging

/// Where the gateway's records go: NDJSON on stdout and, with `--db`, the store. One writer
/// thread drains a queue in batches, so neither the event loops nor the share path ever block
/// on a pipe or a disk.
///
/// Durability (ARCHITECTURE §4): an accepted share's SubmitShares.Success is handed over as an
/// `ack` closure and runs only after the batch holding the share's row is committed. Without a
/// store there is nothing to wait for and the shell acknowledges at once.
///
/// Order inside a batch: `block` records go to stdout first (`rg-fetch submit` is waiting for
/// them; every millisecond is orphan risk), then the batch is committed, then the other records
/// are written to stdout in arrival order, then the acks run.
///
/// Wake-ups: the writer is woken only from sleep with nothing queued (then it lingers
/// `lingerMs` for a batch) or by a block record, a full batch or `finish()`, so a record costs
/// its producer a lock, not a futex call. Under load at most one wake-up per linger.
public final class GatewayRecordSink: @unchecked Sendable {
    public typealias Ack = @Sendable () -> Void

    private struct Entry {
        /// nil for a passed-through input line (`raw`).
        var record: GatewayRecord?
        var raw: [UInt8] = []
        var ack: Ack?
    }

    private let output: RecordOutput?
    private let store: GatewayStore?
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [Entry] = []
    private var stopping = false
    private var finished = false
    /// The writer waits for a first entry (`true`) rather than lingering for more.
    private var writerIdle = false
    /// A block record is queued: the writer stops lingering.
    private var urgent = false
    /// How long the writer waits after a first entry for more to join its batch. Under load
    /// this turns a wake-up per share (≈ 80,000/s) into at most one per linger.
    private let lingerSeconds: Double
    private var thread: Thread?
    /// Largest batch per commit: bounds latency and memory when a burst arrives.
    private let maxBatch: Int
    public private(set) var failure: String?
    /// Records written to stdout (tests and metrics).
    public private(set) var written = 0

    public init(output: RecordOutput?, store: GatewayStore?, logger: Logger, maxBatch: Int = 8_192, lingerMs: Double = 1) {
        self.output = output
        self.store = store
        self.logger = logger
        self.maxBatch = maxBatch
        self.lingerSeconds = max(0, lingerMs) / 1_000
    }

    /// True when acknowledgements must wait for a commit.
    public var defersAcks: Bool { store != nil }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "rg-gate records"
        self.thread = thread
        thread.start()
    }

    public func submit(_ record: GatewayRecord, ack: Ack? = nil) {
        condition.lock()
        queue.append(Entry(record: record, ack: ack))
        if case .block = record { urgent = true }
        wakeIfNeeded()
        condition.unlock()
    }

    public func submit(contentsOf records: [GatewayRecord]) {
        guard !records.isEmpty else { return }
        condition.lock()
        for r in records {
            queue.append(Entry(record: r, ack: nil))
            if case .block = r { urgent = true }
        }
        wakeIfNeeded()
        condition.unlock()
    }

    /// An input line of a record type the gateway does not consume, passed through unchanged.
    public func passThrough(_ line: [UInt8]) {
        condition.lock()
        queue.append(Entry(record: nil, raw: line, ack: nil))
        wakeIfNeeded()
        condition.unlock()
    }

    /// With the lock held. A wake-up costs a futex call on both sides, more than encoding the
    /// record: wake the writer only when it sleeps with nothing queued, or to let a block, a
    /// full batch or a stop cut its linger short.
    private func wakeIfNeeded() {
        // Broadcast: `finish()` may be waiting on the same condition and must not take the wake-up.
        if writerIdle || urgent || queue.count >= maxBatch { condition.broadcast() }
    }

    /// Writes what is queued and stops the thread.
    public func finish() {
        condition.lock()
        stopping = true
        urgent = true
        condition.broadcast()
        while !finished && thread != nil { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var line: [UInt8] = []
        line.reserveCapacity(1 << 16)
        while true {
            condition.lock()
            if queue.isEmpty && !stopping {
                writerIdle = true
                while queue.isEmpty && !stopping { condition.wait() }
                writerIdle = false
                if lingerSeconds > 0 {
                    let deadline = Date(timeIntervalSinceNow: lingerSeconds)
                    while !urgent && !stopping && queue.count < maxBatch && condition.wait(until: deadline) {}
                }
            }
            urgent = false
            if queue.isEmpty && stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let take = min(queue.count, maxBatch)
            let batch = Array(queue[0..<take])
            queue.removeFirst(take)
            condition.unlock()

            // Blocks first, then the commit, then everything else, then the acks.
            for entry in batch {
                if case .block(let b)? = entry.record { emit([b.encoded()]) }
            }
            if let store {
                do {
                    try store.insert(batch.compactMap(\.record))
                } catch {
                    // Unacknowledged shares stay unacknowledged: the miner will see no Success
                    // for them (and resubmit or move on), which is the honest answer.
                    failure = "\(error)"
                    logger.error("store write failed; shares in this batch are not acknowledged", metadata: ["error": "\(error)"])
                    emitNonBlocks(batch, into: &line)
                    continue
                }
            }
            emitNonBlocks(batch, into: &line)
            for entry in batch { entry.ack?() }
        }
    }

    private func emitNonBlocks(_ batch: [Entry], into line: inout [UInt8]) {
        guard output != nil else { return }
        line.removeAll(keepingCapacity: true)
        var chunks: [(bytes: [UInt8], records: Int)] = []
        var records = 0
        for entry in batch {
            if case .block? = entry.record { continue }
            if let record = entry.record { record.encode(appendingTo: &line) } else { line.append(contentsOf: entry.raw) }
            line.append(0x0A)
            records += 1
            // One write per ~64 KiB: a syscall per record would cost more than validating it.
            if line.count >= 1 << 16 {
                chunks.append((line, records))
                line.removeAll(keepingCapacity: true)
                records = 0
            }
        }
        if !line.isEmpty { chunks.append((line, records)) }
        for chunk in chunks { emitRaw(chunk.bytes, records: chunk.records) }
    }

    private func emit(_ records: [[UInt8]]) {
        guard let output else { return }
        for r in records {
            do { try output.write(r); written += 1 } catch { reportOutput(error) }
        }
    }

    /// `chunk` already holds `records` whole lines with their newlines.
    private func emitRaw(_ chunk: [UInt8], records: Int) {
        guard let output else { return }
        do {
            try output.writeLines(chunk, count: records)
            written += records
        } catch {
            reportOutput(error)
        }
    }

    private func reportOutput(_ error: RecordOutputError) {
        if failure == nil { logger.error("stdout: \(error); records are no longer written there") }
        failure = "\(error)"
    }
}
