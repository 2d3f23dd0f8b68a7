import ArgumentParser
import RGKit

/// `rg-stat export`: verdicts from the store as CSV or NDJSON, for cron jobs and spreadsheets.
struct Export: ParsableCommand {
    enum Table: String, ExpressibleByArgument, CaseIterable {
        case verdicts
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, ndjson
    }

    enum Only: String, ExpressibleByArgument, CaseIterable {
        case accepted, rejected
    }

    static let configuration = CommandConfiguration(
        abstract: "Export stored verdicts as CSV or NDJSON.",
        discussion: """
            Writes the verdicts with verified_ms in [--since, --until), ordered by verified_ms \
            then row id. Times are durations back from now (90s, 15m, 24h, 7d), Unix \
            milliseconds (1764000000000) or RFC 3339 (2025-11-24T16:00:00Z, or a bare \
            2025-11-24 for midnight UTC); --until defaults to now. Two runs over the same \
            explicit range give byte-identical output, unless a writer inserted verdicts into \
            that range between them.

            --format ndjson: one verdict record per line, as stored (the --explain checks when \
            recorded, never the template).

            --format csv: RFC 4180 quoting (a field with a comma, quote, CR or LF is quoted, \
            quotes doubled), LF line ends, empty cells for missing values, integers as \
            integers, weight_ratio with 6 decimals, accepted as true/false, warnings as codes \
            joined by ";", verified_at as RFC 3339 UTC. The header is fixed:

            \(VerdictCSV.header)

            The file named by --output is replaced atomically (temporary file, fsync, rename): \
            readers see the old file or the complete new one. An export that fails or is \
            interrupted (SIGINT/SIGTERM) leaves that file untouched and exits 1. Without \
            --output the export goes to stdout.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "What to export (verdicts).")
    var table: Table

    @Option(help: "csv or ndjson.")
    var format: Format = .ndjson

    @Option(help: ArgumentHelp("Export verdicts from this time on (24h, 1764000000000, 2025-11-24T16:00:00Z).", valueName: "time"))
    var since: String

    @Option(help: ArgumentHelp("Export verdicts before this time (default: now).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Write to this file, replaced atomically, instead of stdout.", valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("Only rejections with this reason code.", valueName: "code"))
    var reasonCode: String?

    @Option(help: ArgumentHelp("Only verdicts in this fee tier (low, mid, high).", valueName: "tier"))
    var feeTier: String?

    @Option(help: "Only accepted or only rejected verdicts.")
    var only: Only?

    @OptionGroup var logging: LoggingOptions

    private struct Interrupted: Error {}

    func run() throws {
        logging.bootstrap()
        let now = RecordTime.nowMs()
        let sinceMs = try TimeOption.parse(since, flag: "--since", nowMs: now)
        let untilMs = try until.map { try TimeOption.parse($0, flag: "--until", nowMs: now) } ?? now
        if sinceMs > untilMs {
            throw TimeOption.backwards(sinceMs, untilMs)
        }
        let filter = VerdictFilter(sinceMs: sinceMs, untilMs: untilMs, reasonCode: reasonCode, feeTier: feeTier,
                                   accepted: only.map { $0 == .accepted })
        let verdicts = VerdictStore(try store.open(.existing))

        ProcessSignals.install()
        let out: ExportOutput
        if let output {
            do { out = try ExportOutput(path: output) } catch { throw ToolError(error.isPath ? .usage : .failure, error.message) }
        } else {
            out = ExportOutput()
        }
        var rows = 0
        do {
            if format == .csv { try out.write(VerdictCSV.header + "\n") }
            try verdicts.forEach(filter) { v in
                if ProcessSignals.stopRequested { throw Interrupted() }
                switch format {
                case .csv:
                    try out.write(VerdictCSV.row(v.record) + "\n")
                case .ndjson:
                    var line = v.encoded()
                    line.append(0x0A)
                    try out.write(line)
                }
                rows += 1
            }
            try out.finish()
        } catch {
            out.abandon()
            switch error {
            case is Interrupted:
                throw ToolError(.failure, output.map { "interrupted; \($0) left unchanged" } ?? "interrupted after \(rows) rows; the export on stdout is incomplete")
            case let e as StoreError:
                throw ToolError(e)
            case let e as ExportOutput.Failure:
                throw ToolError(.failure, e.message)
            default:
                throw ToolError(.failure, "\(error)")
            }
        }
    }
}
