import Foundation
import Logging
import Testing
@testable import RGKit
#if canImport(Glibc)
import Glibc
#endif

/// The gateway's record writer: it wakes only when idle (and lingers for a batch), so these
/// check what that must not cost: a lone record still goes out, nothing is lost or reordered
/// across producer threads, and an accepted share is acknowledged only after its row is
/// committed.
@Suite struct GatewayRecordSinkTests {
    static func share(channel: UInt32, sequence: UInt32, accepted: Bool = true) -> GatewayRecord {
        .share(ShareRecord(channelID: channel, worker: "w\(channel)", jobID: 1, templateID: "t", sequenceNumber: sequence, nonce: sequence,
                           ntime: 1_764_072_000, version: 0x2000_0000, extranonce: nil, difficulty: 1e-9, shareDifficulty: 1e-6,
                           accepted: accepted, reasonCode: accepted ? nil : "duplicate", hash: nil, block: false,
                           submittedMs: 1_764_072_000_000))
    }

    /// A pipe whose read end is drained on its own thread until EOF.
    final class Pipe: @unchecked Sendable {
        let writeEnd: Int32
        private let readEnd: Int32
        private let lock = NSCondition()
        private var received: [UInt8] = []
        private var eof = false

        init() {
            var fds: [Int32] = [0, 0]
            precondition(pipe(&fds) == 0)
            readEnd = fds[0]
            writeEnd = fds[1]
            let reader = Thread { [self] in
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let n = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    lock.lock()
                    if n <= 0 { eof = true } else { received += chunk[0..<n] }
                    lock.broadcast()
                    lock.unlock()
                    if n <= 0 { close(readEnd); return }
                }
            }
            reader.start()
        }

        /// Waits until `lines` whole lines arrived (or EOF, or the generous deadline).
        func lines(atLeast lines: Int, deadlineSeconds: Double = 60) -> [String] {
            let deadline = Date(timeIntervalSinceNow: deadlineSeconds)
            lock.lock()
            defer { lock.unlock() }
            while received.filter({ $0 == 0x0A }).count < lines && !eof && lock.wait(until: deadline) {}
            return String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init)
        }

        func closeWriteEnd() { close(writeEnd) }
    }

    @Test func aLoneRecordIsWrittenWithoutAnotherToWakeTheWriter() {
        let pipe = Pipe()
        let sink = GatewayRecordSink(output: RecordOutput(fd: pipe.writeEnd), store: nil, logger: Logger(label: "test"))
        sink.start()
        for sequence: UInt32 in 1...3 {
            sink.submit(Self.share(channel: 1, sequence: sequence))
            // Each alone, waited for before the next: the writer went back to sleep in between.
            let lines = pipe.lines(atLeast: Int(sequence))
            #expect(lines.count == Int(sequence))
            #expect(lines.last?.contains(#""sequence_number":\#(sequence),"#) == true)
        }
        sink.finish()
        pipe.closeWriteEnd()
        #expect(sink.written == 3 && sink.failure == nil)
    }

    @Test func recordsFromSeveralThreadsAllArriveEachThreadInOrder() throws {
        let pipe = Pipe()
        let sink = GatewayRecordSink(output: RecordOutput(fd: pipe.writeEnd), store: nil, logger: Logger(label: "test"), maxBatch: 512)
        sink.start()
        let threads = 4, perThread = 5_000
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for i in 0..<perThread {
                if i % 100 == 0 {
                    sink.submit(contentsOf: [Self.share(channel: UInt32(t), sequence: UInt32(i))])
                } else {
                    sink.submit(Self.share(channel: UInt32(t), sequence: UInt32(i), accepted: i % 7 != 0))
                }
            }
        }
        sink.finish()
        pipe.closeWriteEnd()
        let lines = pipe.lines(atLeast: threads * perThread)
        #expect(lines.count == threads * perThread)
        #expect(sink.written == threads * perThread)
        var next = [UInt32](repeating: 0, count: threads)
        for line in lines {
            let record = try ShareRecord(json: try JSONDocument(line).root)
            #expect(record.sequenceNumber == next[Int(record.channelID)])
            next[Int(record.channelID)] += 1
        }
        #expect(next == [UInt32](repeating: UInt32(perThread), count: threads))
    }

    @Test func anAcceptedShareIsAcknowledgedOnlyOnceItsRowIsCommitted() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rg-sink-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = GatewayStore(try RGDatabase(path: path))
        let sink = GatewayRecordSink(output: nil, store: store, logger: Logger(label: "test"))
        #expect(sink.defersAcks)
        sink.start()
        final class Acks: @unchecked Sendable {
            let condition = NSCondition()
            var rowsSeen: [Int64] = []
        }
        let acks = Acks()
        for sequence: UInt32 in 0..<50 {
            sink.submit(Self.share(channel: 1, sequence: sequence)) {
                let stored = (try? store.acceptedShareCount()) ?? -1
                acks.condition.lock(); acks.rowsSeen.append(stored); acks.condition.broadcast(); acks.condition.unlock()
            }
        }
        let deadline = Date(timeIntervalSinceNow: 60)
        acks.condition.lock()
        while acks.rowsSeen.count < 50 && acks.condition.wait(until: deadline) {}
        let counts = acks.rowsSeen
        acks.condition.unlock()
        sink.finish()
        #expect(counts.count == 50)
        // The n-th ack (0-based) saw at least n + 1 rows committed.
        for (n, stored) in counts.enumerated() { #expect(stored >= Int64(n + 1), "ack \(n) saw \(stored) rows") }
        #expect(try store.acceptedShareCount() == 50)
    }
}
