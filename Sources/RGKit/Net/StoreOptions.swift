import ArgumentParser

/// `--db`, declared once for every tool that records into or reads the store (STYLE.md §8).
/// Resolution: the flag, then `RG_DB`, then the caller's default.
public struct StoreOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("SQLite database file (also RG_DB; default \(RGDatabase.defaultPath)).", valueName: "path"))
    public var db: String?

    public init() {}

    /// The flag or `RG_DB`; nil when neither is set (a tool for which the store is optional).
    public var configuredPath: String? { Setting.string(db, env: "RG_DB") }

    /// The flag, `RG_DB`, or `var/rg.sqlite`.
    public var path: String { configuredPath ?? RGDatabase.defaultPath }

    /// Opens the database with errors mapped to tool exits (2 for a bad path, 1 otherwise).
    public func open(_ mode: RGDatabase.OpenMode) throws(ToolError) -> RGDatabase {
        do { return try RGDatabase(path: path, mode: mode) } catch { throw ToolError(error) }
    }
}
