#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import RGKit

/// `rg-stat summary`: totals over the verdicts in a stream (or in the store).
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise the verdict records read on stdin (or stored in --db).",
        discussion: """
            Reads NDJSON records on stdin: verdicts are counted in full (accepted, rejected by \
            reason code, fee tiers and tier sources, warnings, eval_us p50/p99/max, first and \
            last verified_ms), other records by type. A line that is not a valid record is \
            reported on stderr as "line N: <reason_code>: <detail>", counted, and skipped; \
            the exit status is then 3 (--strict stops at the first one). Blank lines are ignored.

            Output: one "summary" record on stdout (see VerdictSummary in RGKit for the field \
            order). A table for people is printed instead when stdout is a terminal or with \
            --table; --json forces the record.

            With --db PATH the summary covers the verdicts stored there (optionally within \
            --since/--until) instead of stdin. RG_DB is not consulted by this subcommand, so a \
            pipeline's meaning cannot change with the environment.

            SIGINT/SIGTERM: stop reading, print the summary of what was read, exit 0.
            """)

    @Flag(help: "Print the summary record (JSON) even when stdout is a terminal.")
    var json = false

    @Flag(help: "Print a table for people even when stdout is not a terminal.")
    var table = false

    @Flag(help: "Stop at the first bad line (exit 3, no summary).")
    var strict = false

    @Option(help: ArgumentHelp("Longest line read, in bytes; longer lines are skipped and reported.", valueName: "bytes"))
    var maxLineBytes = LineReader.defaultMaxLineBytes

    @Option(help: ArgumentHelp("Summarise this database instead of stdin.", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("With --db: from this time (24h, 1764000000000, 2025-11-24T16:00:00Z).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("With --db: before this time (default: no upper bound).", valueName: "time"))
    var until: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if json && table { throw ValidationError("--json and --table cannot be combined") }
        guard maxLineBytes >= 1024, maxLineBytes <= 1 << 30 else {
            throw ValidationError("--max-line-bytes \(maxLineBytes): expected 1024 … 1073741824")
        }
        if db == nil && (since != nil || until != nil) {
            throw ValidationError("--since and --until apply to --db; a stream is summarised whole")
        }
    }

    func run() throws {
        logging.bootstrap()
        let summary = try db.map(summariseStore) ?? summariseStdin()
        try print(summary)
        // Each bad line was reported as it was read and bad_lines counts them; the status says
        // so too, even when a signal ended the run (which is otherwise a normal end, exit 0).
        if summary.badLines > 0 { throw ToolError(.inputRejected, "") }
    }

    private func summariseStdin() throws -> VerdictSummary {
        ProcessSignals.install()
        let reader = LineReader(fd: 0, maxLineBytes: maxLineBytes, wakeFD: ProcessSignals.wakeFD)
        var summary = VerdictSummary()
        while !ProcessSignals.stopRequested {
            let event: LineReader.Event?
            do { event = try reader.next() } catch { throw ToolError(.failure, "stdin: \(error)") }
            guard let event else { break }
            switch event {
            case .line(let bytes, let number):
                do {
                    try summary.add(line: bytes)
                } catch {
                    FileHandleStderr.write("rg-stat: line \(number): \(error)\n")
                    if strict { throw ToolError(.inputRejected, "stopped at line \(number) (--strict)") }
                }
            case .oversized(let number, let bytes):
                summary.addBadLine()
                FileHandleStderr.write("rg-stat: line \(number): line_too_long: \(bytes) bytes, over --max-line-bytes \(maxLineBytes)\n")
                if strict { throw ToolError(.inputRejected, "stopped at line \(number) (--strict)") }
            }
        }
        return summary
    }

    private func summariseStore(path: String) throws -> VerdictSummary {
        let now = RecordTime.nowMs()
        let sinceMs = try since.map { try TimeOption.parse($0, flag: "--since", nowMs: now) }
        let untilMs = try until.map { try TimeOption.parse($0, flag: "--until", nowMs: now) }
        if let sinceMs, let untilMs, sinceMs > untilMs {
            throw TimeOption.backwards(sinceMs, untilMs)
        }
        let database: RGDatabase
        do { database = try RGDatabase(path: path, mode: .existing) } catch { throw ToolError(error) }
        do {
            return try VerdictStore(database).summary(VerdictFilter(sinceMs: sinceMs, untilMs: untilMs))
        } catch {
            throw ToolError(error)
        }
    }

    private func print(_ summary: VerdictSummary) throws {
        let output = RecordOutput(fd: 1)
        let asTable = table || (!json && isatty(1) == 1)
        do {
            if asTable {
                var text = summary.table()
                if text.hasSuffix("\n") { text.removeLast() }
                try output.write(Array(text.utf8))
            } else {
                try output.write(summary.encoded())
            }
        } catch {
            throw ToolError(.failure, error.description)
        }
    }
}

/// `--since`/`--until` values. They are read in `run()` (a duration needs the clock), so their
/// errors are `ToolError(.usage)`: exit 2 with a message naming the flag.
enum TimeOption {
    static func parse(_ text: String, flag: String, nowMs: Int64) throws(ToolError) -> Int64 {
        do {
            return try RecordTime.parseBound(text, nowMs: nowMs)
        } catch {
            throw ToolError(.usage, "\(flag) \(error)")
        }
    }

    static func backwards(_ sinceMs: Int64, _ untilMs: Int64) -> ToolError {
        ToolError(.usage, "--since (\(RecordTime.rfc3339(ms: sinceMs))) is after --until (\(RecordTime.rfc3339(ms: untilMs)))")
    }
}
