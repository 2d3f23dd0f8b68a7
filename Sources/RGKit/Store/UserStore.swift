import GRDB

/// Where an account is in its life. Raw values are stored and shown in records; never renamed.
///
/// `pending_verification → pending_approval → approved | denied`, and any account can be
/// `disabled` by an admin (and re-approved later).
public enum UserStatus: String, Sendable, CaseIterable, Codable {
    case pendingVerification = "pending_verification"
    case pendingApproval = "pending_approval"
    case approved
    case denied
    case disabled
}

/// What an approved account may do. Enforced on the server for every request.
public enum UserRole: String, Sendable, CaseIterable, Codable, Comparable {
    /// Manages users (approve, deny, roles) and everything an operator can do.
    case admin
    /// Changes the policy.
    case `operator`
    /// Reads every page; changes nothing.
    case viewer

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    public static func < (lhs: UserRole, rhs: UserRole) -> Bool { lhs.rank < rhs.rank }
}

/// What a stored token is for. Each kind is consumed by one flow only.
public enum TokenKind: String, Sendable, CaseIterable {
    case verify
    case approve
    case deny
    case passwordReset = "password_reset"
    case session
}

/// A row of `users`. The password hash is here for the login check and never leaves RGKit's
/// auth code: records and API responses are built from `PublicUser`.
public struct StoredUser: Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var emailKey: String
    public var name: String
    public var org: String
    public var passwordHash: String
    public var status: UserStatus
    public var role: UserRole
    public var createdMs: Int64
    public var verifiedMs: Int64?
    public var approvedMs: Int64?
    public var updatedMs: Int64
}

/// Queries on `users` and `auth_token`. Every token argument is the SHA-256 hex of a token;
/// a raw token never reaches this type.
public struct UserStore: Sendable {
    public let database: RGDatabase

    public init(_ database: RGDatabase) { self.database = database }

    static let userColumns = "id, email, email_key, name, org, password_hash, status, role, created_ms, verified_ms, approved_ms, updated_ms"

    static func decodeUser(_ row: Row) throws -> StoredUser {
        let statusText: String = row[6]
        let roleText: String = row[7]
        guard let status = UserStatus(rawValue: statusText), let role = UserRole(rawValue: roleText) else {
            throw StoreError(.readFailed, "users row \(row[0] as Int64): unknown status \(statusText) or role \(roleText)")
        }
        return StoredUser(id: row[0], email: row[1], emailKey: row[2], name: row[3], org: row[4], passwordHash: row[5],
                          status: status, role: role, createdMs: row[8], verifiedMs: row[9], approvedMs: row[10], updatedMs: row[11])
    }

    private func read<T: Sendable>(_ what: String, _ body: @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await database.pool.read(body) } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: what)
        }
    }

    private func write<T: Sendable>(_ what: String, _ body: @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await database.pool.write(body) } catch {
            throw StoreError.wrap(error, .writeFailed, path: database.path, doing: what)
        }
    }

    // MARK: users

    /// Inserts a user; nil when the normalised e-mail is already taken.
    public func createUser(email: String, emailKey: String, name: String, org: String, passwordHash: String,
                           status: UserStatus, role: UserRole, nowMs: Int64) async throws(StoreError) -> StoredUser? {
        try await write("cannot create user") { db in
            try db.execute(sql: """
                INSERT INTO users (email, email_key, name, org, password_hash, status, role, created_ms, verified_ms, approved_ms, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email_key) DO NOTHING
                """, arguments: [email, emailKey, name, org, passwordHash, status.rawValue, role.rawValue, nowMs,
                                 status == .approved ? nowMs : nil, status == .approved ? nowMs : nil, nowMs])
            guard db.changesCount == 1 else { return nil }
            let row = try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM users WHERE id = ?", arguments: [db.lastInsertedRowID])
            return try row.map(Self.decodeUser)
        }
    }

    public func user(id: Int64) async throws(StoreError) -> StoredUser? {
        try await read("cannot read user") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM users WHERE id = ?", arguments: [id]).map(Self.decodeUser)
        }
    }

    public func user(emailKey: String) async throws(StoreError) -> StoredUser? {
        try await read("cannot read user") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM users WHERE email_key = ?", arguments: [emailKey]).map(Self.decodeUser)
        }
    }

    /// Users, newest first, optionally of one status; at most `limit`.
    public func users(status: UserStatus? = nil, limit: Int = 1000) async throws(StoreError) -> [StoredUser] {
        let limit = max(0, min(limit, 10_000))
        return try await read("cannot list users") { db in
            if let status {
                return try Row.fetchAll(db, sql: "SELECT \(Self.userColumns) FROM users WHERE status = ? ORDER BY created_ms DESC, id DESC LIMIT ?",
                                        arguments: [status.rawValue, limit]).map(Self.decodeUser)
            }
            return try Row.fetchAll(db, sql: "SELECT \(Self.userColumns) FROM users ORDER BY created_ms DESC, id DESC LIMIT ?",
                                    arguments: [limit]).map(Self.decodeUser)
        }
    }

    public func countUsers(role: UserRole? = nil, status: UserStatus? = nil) async throws(StoreError) -> Int {
        try await read("cannot count users") { db in
            var terms: [String] = []
            var arguments = StatementArguments()
            if let role { terms.append("role = ?"); arguments += [role.rawValue] }
            if let status { terms.append("status = ?"); arguments += [status.rawValue] }
            let whereSQL = terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND ")
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users\(whereSQL)", arguments: arguments) ?? 0
        }
    }

    /// Moves a user to `status` only from one of `from` (nil: from any status); returns the
    /// updated user, or nil when the user is missing or was not in an allowed status. Leaving
    /// `approved` removes every session at once.
    public func setStatus(userID: Int64, to status: UserStatus, from allowed: Set<UserStatus>?, nowMs: Int64) async throws(StoreError) -> StoredUser? {
        try await write("cannot update user") { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM users WHERE id = ?", arguments: [userID]).map(Self.decodeUser) else { return nil }
            if let allowed, !allowed.contains(current.status) { return nil }
            try db.execute(sql: """
                UPDATE users SET status = ?, updated_ms = ?,
                    verified_ms = CASE WHEN ? = 'pending_approval' AND verified_ms IS NULL THEN ? ELSE verified_ms END,
                    approved_ms = CASE WHEN ? = 'approved' THEN ? ELSE approved_ms END
                WHERE id = ?
                """, arguments: [status.rawValue, nowMs, status.rawValue, nowMs, status.rawValue, nowMs, userID])
            if status != .approved {
                try db.execute(sql: "DELETE FROM auth_token WHERE user_id = ? AND kind = 'session'", arguments: [userID])
            }
            return try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM users WHERE id = ?", arguments: [userID]).map(Self.decodeUser)
        }
    }

    public func setRole(userID: Int64, to role: UserRole, nowMs: Int64) async throws(StoreError) -> StoredUser? {
        try await write("cannot update user") { db in
            try db.execute(sql: "UPDATE users SET role = ?, updated_ms = ? WHERE id = ?", arguments: [role.rawValue, nowMs, userID])
            return try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM users WHERE id = ?", arguments: [userID]).map(Self.decodeUser)
        }
    }

    /// Replaces the password hash and, in the same transaction, ends every session and
    /// spends every outstanding reset token of the user.
    public func setPassword(userID: Int64, passwordHash: String, nowMs: Int64) async throws(StoreError) {
        try await write("cannot update password") { db in
            try db.execute(sql: "UPDATE users SET password_hash = ?, updated_ms = ? WHERE id = ?", arguments: [passwordHash, nowMs, userID])
            try db.execute(sql: "DELETE FROM auth_token WHERE user_id = ? AND kind IN ('session', 'password_reset')", arguments: [userID])
        }
    }

    /// Replaces a hash with a stronger one after a successful login (parameters were raised).
    public func upgradePasswordHash(userID: Int64, from old: String, to new: String) async throws(StoreError) {
        try await write("cannot update password") { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?", arguments: [new, userID, old])
        }
    }

    // MARK: tokens

    public func insertToken(hash: String, userID: Int64, kind: TokenKind, nowMs: Int64, expiresMs: Int64) async throws(StoreError) {
        try await write("cannot store token") { db in
            try db.execute(sql: "INSERT INTO auth_token (token_hash, user_id, kind, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)",
                           arguments: [hash, userID, kind.rawValue, nowMs, expiresMs])
        }
    }

    /// Spends a single-use token: marks it used and returns its user id, atomically, so two
    /// concurrent requests with one token cannot both succeed. Nil when unknown, of another
    /// kind, expired or already used.
    public func consumeToken(hash: String, kinds: Set<TokenKind>, nowMs: Int64) async throws(StoreError) -> (userID: Int64, kind: TokenKind)? {
        let kindList = kinds.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        return try await write("cannot spend token") { db in
            guard let row = try Row.fetchOne(db, sql: """
                UPDATE auth_token SET used_ms = ?
                WHERE token_hash = ? AND kind IN (\(kindList)) AND used_ms IS NULL AND expires_ms > ?
                RETURNING user_id, kind
                """, arguments: [nowMs, hash, nowMs]) else { return nil }
            let kindText: String = row[1]
            guard let kind = TokenKind(rawValue: kindText) else { return nil }
            return (row[0], kind)
        }
    }

    /// A token that is valid now, without spending it (the approve page shows who it is for).
    public func peekToken(hash: String, kinds: Set<TokenKind>, nowMs: Int64) async throws(StoreError) -> (user: StoredUser, kind: TokenKind, expiresMs: Int64)? {
        let kindList = kinds.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        return try await read("cannot read token") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.joinedUserColumns), t.kind, t.expires_ms
                FROM auth_token t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.kind IN (\(kindList)) AND t.used_ms IS NULL AND t.expires_ms > ?
                """, arguments: [hash, nowMs]) else { return nil }
            let kindText: String = row[12]
            guard let kind = TokenKind(rawValue: kindText) else { return nil }
            return (try Self.decodeUser(row), kind, row[13])
        }
    }

    /// The user behind a live session token and when the session ends.
    public func session(hash: String, nowMs: Int64) async throws(StoreError) -> (user: StoredUser, expiresMs: Int64)? {
        try await read("cannot read session") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.joinedUserColumns), t.expires_ms
                FROM auth_token t JOIN users u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.kind = 'session' AND t.expires_ms > ?
                """, arguments: [hash, nowMs]) else { return nil }
            return (try Self.decodeUser(row), row[12])
        }
    }

    /// `userColumns` qualified with the `u.` alias, for joins (decodeUser reads indexes 0…11).
    static let joinedUserColumns = userColumns.split(separator: ",").map { "u." + $0.drop { $0 == " " } }.joined(separator: ", ")

    public func deleteToken(hash: String) async throws(StoreError) {
        try await write("cannot delete token") { db in
            try db.execute(sql: "DELETE FROM auth_token WHERE token_hash = ?", arguments: [hash])
        }
    }

    /// Deletes the user's unused tokens of these kinds (a new approval link replaces the old).
    public func deleteTokens(userID: Int64, kinds: Set<TokenKind>) async throws(StoreError) {
        let kindList = kinds.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        try await write("cannot delete tokens") { db in
            try db.execute(sql: "DELETE FROM auth_token WHERE user_id = ? AND kind IN (\(kindList))", arguments: [userID])
        }
    }

    /// Removes expired tokens, and used ones older than a day; returns how many went.
    @discardableResult
    public func purgeTokens(nowMs: Int64) async throws(StoreError) -> Int {
        try await write("cannot purge tokens") { db in
            try db.execute(sql: "DELETE FROM auth_token WHERE expires_ms <= ? OR (used_ms IS NOT NULL AND used_ms < ?)",
                           arguments: [nowMs, nowMs - 86_400_000])
            return db.changesCount
        }
    }

    /// Every stored token hash (tests check that no raw token is stored).
    public func tokenHashes() async throws(StoreError) -> [String] {
        try await read("cannot read tokens") { db in try String.fetchAll(db, sql: "SELECT token_hash FROM auth_token") }
    }
}

