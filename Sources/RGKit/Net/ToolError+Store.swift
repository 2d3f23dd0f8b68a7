extension ToolError {
    /// A store failure as the tool reports it: a bad `--db` (missing file, a directory, not a
    /// database, a schema from the future) is the operator's to fix, exit 2; anything that
    /// fails once the database is open is a runtime failure, exit 1. Lives here rather than
    /// in `Store/` because `Net/` sits below `Store/` in the layer order (ARCHITECTURE.md §3).
    public init(_ error: StoreError) {
        self.init(error.isConfiguration ? .usage : .failure, error.description)
    }
}
