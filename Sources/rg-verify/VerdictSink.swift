import RGKit

/// Where verdicts go besides stdout: with `--db`, the SQLite store, written before the record
/// reaches stdout so that a printed verdict is always also a stored one.
struct VerdictSink {
    init(dbPath: String?) throws {
        if let dbPath { throw ToolError(.usage, "--db \(dbPath): the verdict store is not wired in yet") }
    }

    func store(_ record: VerdictRecord, checks: [Evaluation.Check]?) throws {}
}
