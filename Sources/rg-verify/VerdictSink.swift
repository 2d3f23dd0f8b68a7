import RGKit

/// Where verdicts go besides stdout: with `--db`, the SQLite store. A verdict is committed
/// before its record reaches stdout, so a printed verdict is always also a stored one.
struct VerdictSink {
    private let store: VerdictStore?

    init(options: StoreOptions) throws(ToolError) {
        store = options.configuredPath == nil ? nil : VerdictStore(try options.open(.create))
    }

    func store(_ record: VerdictRecord, checks: [Evaluation.Check]?) throws(ToolError) {
        guard let store else { return }
        do { try store.insert(record, checks: checks) } catch { throw ToolError(error) }
    }
}
