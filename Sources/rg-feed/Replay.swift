import ArgumentParser
import RGKit

/// `rg-feed replay FILE`: re-emits recorded records, optionally paced.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-emit recorded records from a file, as fast as possible, at a rate, or in real time.",
        discussion: """
            --realtime keeps the recorded spacing, taken from each record's received_ms (template \
            records) or verified_ms (verdicts); records without either follow immediately. Lines are \
            copied byte for byte; bad lines are reported and skipped (exit 3 at the end).
            """)

    @Argument(help: "An NDJSON file of records (e.g. a saved rg-feed demo or rg-fetch stream).")
    var file: String

    @Option(name: .long, help: "Records per second.")
    var rate: Double?

    @Flag(name: .long, help: "Keep the recorded spacing between records.")
    var realtime = false

    @Option(name: .long, help: "Longest accepted line in bytes.")
    var maxLineBytes: Int = LineReader.defaultMaxLineBytes

    func run() async throws {
        ProcessSignals.install()
        if rate != nil && realtime { throw ToolError(.usage, "--rate and --realtime are exclusive") }
        if let rate, !(rate > 0 && rate.isFinite) { throw ToolError(.usage, "--rate must be > 0") }
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ToolError(.usage, "\(file): cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        let reader = LineReader(fd: fd, maxLineBytes: maxLineBytes, wakeFD: ProcessSignals.wakeFD)
        let output = RecordOutput()
        var pacer = ReplayPacer(mode: realtime ? .realtime : rate.map { .rate($0) } ?? .asFastAsPossible,
                                startNs: MonotonicClock.nanoseconds())
        var bad = 0
        while !ProcessSignals.stopRequested, let event = try? reader.next() {
            switch event {
            case .oversized(let number, let bytes):
                bad += 1
                FileHandleStderr.write("rg-feed: \(file): line \(number): line_too_long: \(bytes) bytes; skipped\n")
            case .line(let bytes, let number):
                if bytes.isEmpty { continue }
                let recordedMs: Int64?
                do throws(JSONError) {
                    let root = try JSONDocument(bytes: bytes).root
                    recordedMs = root["received_ms"]?.int64 ?? root["verified_ms"]?.int64
                } catch {
                    bad += 1
                    FileHandleStderr.write("rg-feed: \(file): line \(number): \(error.code.rawValue): \(error)\n")
                    continue
                }
                let waitNs = pacer.wait(recordedMs: recordedMs, nowNs: MonotonicClock.nanoseconds())
                if waitNs > 0 { ProcessSignals.sleep(milliseconds: Int64(waitNs / 1_000_000)) }
                do { try output.write(bytes) } catch { throw ToolError(.failure, error.description) }
            }
        }
        if bad > 0 { throw ToolError(.inputRejected, "") }
    }
}

#if canImport(Glibc)
import Glibc
#endif
