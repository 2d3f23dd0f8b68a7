import Foundation
import GRDB
import Testing
@testable import RGKit

@Suite struct RGDatabaseTests {
    @Test func createsParentDirectoriesAndOpensInWALWithTheAgreedPragmas() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("var/deep/rg.sqlite")
        let database = try RGDatabase(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        func pragmas(_ db: Database) throws -> [String] {
            try ["journal_mode", "synchronous", "foreign_keys", "busy_timeout"].map { try String.fetchOne(db, sql: "PRAGMA \($0)") ?? "" }
        }
        // journal_mode wal; synchronous 1 = NORMAL; foreign keys on; busy timeout 5 s.
        #expect(try database.pool.write(pragmas) == ["wal", "1", "1", "5000"])
        let readerPragmas = try database.pool.read(pragmas)
        // GRDB gives pool readers their own 10 s timeout for the rare WAL-recovery lock.
        #expect(readerPragmas == ["wal", "1", "1", "10000"])
    }

    @Test func migrationsAreIdempotentAcrossOpens() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("rg.sqlite")
        do {
            let store = VerdictStore(try RGDatabase(path: path))
            try store.insert(VerdictSamples.verdict(0).0)
        }
        let again = try RGDatabase(path: path, mode: .existing)
        let third = try RGDatabase(path: path)
        try third.pool.read { db in
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            #expect(applied == StoreMigrations.all.map(\.identifier))
            #expect(try StoreMigrations.migrator.hasCompletedMigrations(db))
        }
        #expect(try VerdictStore(again).count() == 1)
    }

    @Test func theSchemaHasTheIndexesTheQueriesNeed() throws {
        let dir = TemporaryDirectory()
        let database = try RGDatabase(path: dir.file("rg.sqlite"))
        try database.pool.read { db in
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'verdict' ORDER BY name")
            #expect(indexes == ["verdict_reason_code", "verdict_template_id", "verdict_verified_ms"])
            func plan(_ filter: VerdictFilter, after: VerdictCursor? = nil) throws -> String {
                let (whereSQL, arguments) = VerdictStore.whereClause(filter, after: after)
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT \(VerdictStore.selectColumns) FROM verdict\(whereSQL) ORDER BY verified_ms, id LIMIT 100",
                                        arguments: arguments).map { $0["detail"] as String }.joined(separator: "; ")
            }
            // A range or a cursor is an index range scan already in output order: no sort step.
            let range = try plan(VerdictFilter(sinceMs: 1, untilMs: 2))
            #expect(range.contains("verdict_verified_ms") && !range.contains("TEMP B-TREE"))
            let paged = try plan(VerdictFilter(sinceMs: 1), after: VerdictCursor(verifiedMs: 5, id: 9))
            #expect(paged.contains("verdict_verified_ms") && !paged.contains("TEMP B-TREE"))
            let byReason = try plan(VerdictFilter(sinceMs: 1, untilMs: 2, reasonCode: "template_too_old"))
            #expect(byReason.contains("verdict_reason_code") && !byReason.contains("TEMP B-TREE"))
        }
    }

    @Test func existingModeRefusesAMissingFileInsteadOfCreatingIt() {
        let dir = TemporaryDirectory()
        let path = dir.file("typo.sqlite")
        #expect(throws: StoreError(.notFound)) { try RGDatabase(path: path, mode: .existing) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func unusablePathsAreConfigurationErrorsThatNameThePath() throws {
        let dir = TemporaryDirectory()
        #expect(throws: StoreError(.cannotOpen)) { try RGDatabase(path: dir.path) }
        #expect(throws: StoreError(.cannotOpen)) { try RGDatabase(path: "") }
        #expect(throws: StoreError(.cannotOpen)) { try RGDatabase(path: ":memory:") }

        let garbage = dir.file("notes.txt")
        try Data(String(repeating: "not a database\n", count: 400).utf8).write(to: URL(fileURLWithPath: garbage))
        do {
            _ = try RGDatabase(path: garbage)
            Issue.record("opened a text file as a database")
        } catch {
            #expect(error.code == .cannotOpen)
            #expect(error.isConfiguration)
            #expect(error.description.hasPrefix(garbage))
            #expect(ToolError(error).exit == .usage)
        }

        let blocker = dir.file("afile")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        #expect(throws: StoreError(.cannotOpen)) { try RGDatabase(path: blocker + "/sub/rg.sqlite") }
    }

    @Test func twoProcessesOpeningAFreshFileAtOnceBothMigrate() async throws {
        // Two pools stand in for two processes: separate connections, one file.
        for round in 0..<8 {
            let dir = TemporaryDirectory()
            let path = dir.file("race\(round).sqlite")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask { _ = try RGDatabase(path: path) }
                }
                try await group.waitForAll()
            }
            let database = try RGDatabase(path: path, mode: .existing)
            let applied = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") }
            #expect(applied == StoreMigrations.all.count)
        }
    }
}
