import ArgumentParser
import RGKit

/// `rg-stat`: summaries and exports of ReserveGrid records, from a stream or from the store.
/// Thin: the aggregation, CSV format and queries live in RGKit (`VerdictSummary`,
/// `VerdictCSV`, `VerdictStore`).
struct RGStat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-stat",
        abstract: "Summarise and export ReserveGrid records.",
        discussion: """
            rg-stat summary reads any NDJSON records on stdin (or the store with --db) and prints \
            one summary record; rg-stat export writes verdicts from the store as CSV or NDJSON; \
            rg-stat serve runs the operator dashboard; rg-stat top shows the overview in a terminal.

            Exit status: 0 ok; 1 runtime failure; 2 usage or configuration error (bad flag, \
            unusable --db); 3 some input lines were rejected.
            """,
        subcommands: [Summary.self, Export.self, Serve.self, Top.self])
}

/// `--log-level`, on every subcommand.
struct LoggingOptions: ParsableArguments {
    static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    @Option(help: ArgumentHelp("Log level on stderr: \(LoggingOptions.levels.joined(separator: "|")) (also RG_LOG_LEVEL; default info).", valueName: "level"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, !Self.levels.contains(logLevel.lowercased()) {
            throw ValidationError("--log-level \(logLevel): expected one of \(Self.levels.joined(separator: ", "))")
        }
    }

    func bootstrap() { ToolLogging.bootstrap(tool: "rg-stat", level: logLevel) }
}

await RGStat.mainWithToolExits(tool: "rg-stat")
