import Foundation
import Logging

/// The stdin loop the streaming servers share (`rg-feed serve`, `rg-feed rpc`, `rg-gate`): read
/// records until end of input or a stop request, report an over-long line on stderr with its
/// number and skip it, hand every other non-blank line to `handle`, which returns false for a bad
/// one. Blocking reads run on a thread of their own, never on a Swift concurrency thread.
public enum StandardInputLines {
    public struct Outcome: Sendable {
        /// Lines that were over the limit or that `handle` called bad.
        public var badLines: Int
        /// True when input ended (rather than a stop request or a read error).
        public var endOfInput: Bool
    }

    /// Runs the loop on the calling thread. `oversizedLine` is called for each over-long line
    /// before it is reported, for a caller that decides its exit status while this loop may
    /// still be returning (a stop request races it); `handle` counts its own bad lines.
    public static func read(tool: String, maxLineBytes: Int, logger: Logger, oversizedLine: (() -> Void)? = nil,
                            handle: (_ line: [UInt8], _ number: Int) -> Bool) -> Outcome {
        let reader = LineReader(fd: 0, maxLineBytes: maxLineBytes, wakeFD: ProcessSignals.wakeFD)
        var bad = 0
        while !ProcessSignals.stopRequested {
            let event: LineReader.Event?
            do { event = try reader.next() } catch {
                logger.error("stdin", metadata: ["error": "\(error)"])
                return Outcome(badLines: bad, endOfInput: false)
            }
            guard let event else { return Outcome(badLines: bad, endOfInput: !reader.stopped) }
            switch event {
            case .oversized(let number, let bytes):
                bad += 1
                oversizedLine?()
                FileHandleStderr.write("\(tool): line \(number): line_too_long: \(bytes) bytes exceed --max-line-bytes \(maxLineBytes); skipped\n")
            case .line(let bytes, let number):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                if !handle(bytes, number) { bad += 1 }
            }
        }
        return Outcome(badLines: bad, endOfInput: false)
    }

    /// Runs the loop on a new thread and returns when it ends.
    public static func readOnThread(named name: String, tool: String, maxLineBytes: Int, logger: Logger,
                                    handle: @escaping @Sendable (_ line: [UInt8], _ number: Int) -> Bool) async -> Outcome {
        await withCheckedContinuation { (done: CheckedContinuation<Outcome, Never>) in
            let thread = Thread {
                done.resume(returning: read(tool: tool, maxLineBytes: maxLineBytes, logger: logger, handle: handle))
            }
            thread.name = name
            thread.start()
        }
    }
}
