#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
    private var thread: Thread?
    /// Largest batch per commit: bounds latency and memory when a burst arrives.
    private let maxBatch: Int
    public private(set) var failure: String?
    /// Records written to stdout (tests and metrics).
    public private(set) var written = 0

    public init(output: RecordOutput?, store: GatewayStore?, logger: Logger, maxBatch: Int = 8_192) {
        self.output = output
        self.store = store
        self.logger = logger
        self.maxBatch = maxBatch
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
        condition.signal()
        condition.unlock()
    }

    public func submit(contentsOf records: [GatewayRecord]) {
        guard !records.isEmpty else { return }
        condition.lock()
        for r in records { queue.append(Entry(record: r, ack: nil)) }
        condition.signal()
        condition.unlock()
    }

    /// An input line of a record type the gateway does not consume, passed through unchanged.
    public func passThrough(_ line: [UInt8]) {
        condition.lock()
        queue.append(Entry(record: nil, raw: line, ack: nil))
        condition.signal()
        condition.unlock()
    }

    /// Writes what is queued and stops the thread.
    public func finish() {
        condition.lock()
        stopping = true
        condition.signal()
        while !finished && thread != nil { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var line: [UInt8] = []
        line.reserveCapacity(1 << 16)
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
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
        var lines: [[UInt8]] = []
        for entry in batch {
            if case .block? = entry.record { continue }
            if let record = entry.record { line.append(contentsOf: record.encoded()) } else { line.append(contentsOf: entry.raw) }
            line.append(0x0A)
            // One write per ~64 KiB: a syscall per record would cost more than validating it.
            if line.count >= 1 << 16 { lines.append(line); line.removeAll(keepingCapacity: true) }
        }
        if !line.isEmpty { lines.append(line) }
        for chunk in lines { emitRaw(chunk) }
    }

    private func emit(_ records: [[UInt8]]) {
        guard let output else { return }
        for r in records {
            do { try output.write(r); written += 1 } catch { reportOutput(error) }
        }
    }

    /// `chunk` already holds whole lines with their newlines.
    private func emitRaw(_ chunk: [UInt8]) {
        guard output != nil else { return }
        var offset = 0
        while offset < chunk.count {
            let n = chunk.withUnsafeBytes { raw in write(1, raw.baseAddress! + offset, chunk.count - offset) }
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            reportOutput(.failed(String(cString: strerror(errno))))
            return
        }
        written += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    private func reportOutput(_ error: RecordOutputError) {
        if failure == nil { logger.error("stdout: \(error); records are no longer written there") }
        failure = "\(error)"
    }
}
