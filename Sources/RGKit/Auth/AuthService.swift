import Dispatch
import Logging

/// Lifetimes and links of the account flows.
public struct AuthConfiguration: Sendable {
    /// Base URL for links in mail (the dashboard: `/verify`, `/approve`, `/reset`, `/login`).
    public var siteURL: String
    public var mailFrom: String
    public var sessionLifetimeMs: Int64 = 7 * 86_400_000
    public var verifyLifetimeMs: Int64 = 7 * 86_400_000
    public var approvalLifetimeMs: Int64 = 7 * 86_400_000
    public var resetLifetimeMs: Int64 = 3_600_000
    public var argon2 = Argon2Parameters.owaspMinimum
    /// Where approval requests go in addition to every approved admin.
    public var adminNotify: [String] = []

    public init(siteURL: String, mailFrom: String) {
        self.siteURL = siteURL
        self.mailFrom = mailFrom
    }
}

/// Why an account operation did not go through. Raw values are the API's `error` codes.
public enum AuthFailure: String, Error, Sendable, Equatable {
    case invalidEmail = "invalid_email"
    case invalidName = "invalid_name"
    case invalidOrg = "invalid_org"
    case weakPassword = "weak_password"
    case invalidCredentials = "invalid_credentials"
    case emailNotVerified = "email_not_verified"
    case pendingApproval = "pending_approval"
    case accessDenied = "access_denied"
    case invalidToken = "invalid_token"
    case notFound = "not_found"
    case forbidden = "forbidden"
    case conflict = "conflict"

    /// The HTTP status the API answers with.
    public var httpStatus: Int {
        switch self {
        case .invalidEmail, .invalidName, .invalidOrg, .weakPassword, .invalidToken: 400
        case .invalidCredentials: 401
        case .emailNotVerified, .pendingApproval, .accessDenied, .forbidden: 403
        case .notFound: 404
        case .conflict: 409
        }
    }

    public var detail: String {
        switch self {
        case .invalidEmail: "not a valid e-mail address"
        case .invalidName: "name must be 1 to 200 characters"
        case .invalidOrg: "organisation must be 1 to 200 characters"
        case .weakPassword: "password must be 8 to 1024 characters"
        case .invalidCredentials: "e-mail or password is wrong"
        case .emailNotVerified: "confirm your e-mail address first"
        case .pendingApproval: "an administrator has not approved this account yet"
        case .accessDenied: "this account is not allowed to sign in"
        case .invalidToken: "the link is invalid, expired or already used"
        case .notFound: "no such user"
        case .forbidden: "your role does not allow this"
        case .conflict: "the account is not in a state that allows this"
        }
    }
}

/// A user as the API and records show it: never the password hash.
public struct PublicUser: Sendable, Equatable, Codable {
    public var id: Int64
    public var email: String
    public var name: String
    public var org: String
    public var status: String
    public var role: String
    public var createdMs: Int64
    public var verifiedMs: Int64?
    public var approvedMs: Int64?

    enum CodingKeys: String, CodingKey {
        case id, email, name, org, status, role
        case createdMs = "created_ms", verifiedMs = "verified_ms", approvedMs = "approved_ms"
    }

    public init(_ u: StoredUser) {
        id = u.id
        email = u.email
        name = u.name
        org = u.org
        status = u.status.rawValue
        role = u.role.rawValue
        createdMs = u.createdMs
        verifiedMs = u.verifiedMs
        approvedMs = u.approvedMs
    }
}

/// A signed-in session: the raw token goes to the client once; the store has its hash.
public struct NewSession: Sendable {
    public var token: String
    public var user: StoredUser
    public var expiresMs: Int64
}

/// The account flows of rg-auth and the dashboard: registration, e-mail verification, admin
/// approval, login, sessions, password reset, and the admin and CLI operations. The clock and
/// randomness are injected; mail is queued on the outbox and sent in the background.
public final class AuthService: Sendable {
    public let users: UserStore
    public let configuration: AuthConfiguration
    public let outbox: MailOutbox
    /// The mail texts, with links under the current site URL.
    public var mail: AuthMail { AuthMail(from: configuration.mailFrom, siteURL: siteURLLock.withLock { siteURL }) }
    private let siteURLLock = Lock()
    nonisolated(unsafe) private var siteURL: String
    private let hasher: PasswordHasher
    private let now: @Sendable () -> Int64
    private let random: @Sendable (Int) -> [UInt8]
    private let logger: Logger
    /// A hash of a random password, verified against when the e-mail is unknown, so a login
    /// for a missing account costs the same argon2 time as one for a real account.
    private let dummyHash: String
    /// At most two argon2 computations at once (19 MiB each), off the async executor's threads.
    private let hashQueue = DispatchQueue(label: "rg.argon2", attributes: .concurrent)
    private let hashSlots = DispatchSemaphore(value: 2)

    public init(database: RGDatabase, configuration: AuthConfiguration, outbox: MailOutbox, logger: Logger,
                now: @escaping @Sendable () -> Int64 = { WallClock.milliseconds() },
                random: @escaping @Sendable (Int) -> [UInt8] = { SecureRandom.bytes(count: $0) }) throws(PasswordHashError) {
        users = UserStore(database)
        self.configuration = configuration
        self.outbox = outbox
        siteURL = configuration.siteURL
        hasher = PasswordHasher(parameters: configuration.argon2)
        self.now = now
        self.random = random
        self.logger = logger
        dummyHash = try hasher.hash(password: random(32), salt: random(PasswordHasher.saltBytes))
    }

    /// Replaces the base URL of links in mail: a server bound to port 0 learns its real
    /// address only once it listens.
    public func setSiteURL(_ url: String) {
        siteURLLock.withLock { siteURL = url }
    }

    // MARK: hashing off the executor

    private func hashPassword(_ password: String) async throws -> String {
        let salt = random(PasswordHasher.saltBytes)
        let hasher = self.hasher
        return try await withCheckedThrowingContinuation { continuation in
            hashQueue.async { [hashSlots] in
                hashSlots.wait()
                defer { hashSlots.signal() }
                do { continuation.resume(returning: try hasher.hash(password: Array(password.utf8), salt: salt)) } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private func verifyPassword(_ password: String, _ phc: String) async -> Bool {
        let hasher = self.hasher
        return await withCheckedContinuation { continuation in
            hashQueue.async { [hashSlots] in
                hashSlots.wait()
                defer { hashSlots.signal() }
                continuation.resume(returning: hasher.verify(password: Array(password.utf8), phc: phc))
            }
        }
    }

    private func newToken(for userID: Int64, kind: TokenKind, lifetimeMs: Int64) async throws -> AuthToken {
        let token = AuthToken(randomBytes: random(AuthToken.byteCount))
        let t = now()
        try await users.insertToken(hash: token.hash, userID: userID, kind: kind, nowMs: t, expiresMs: t + lifetimeMs)
        return token
    }

    private func send(_ message: MailMessage) {
        if !outbox.enqueue(message) {
            logger.error("mail queue full; message dropped", metadata: ["mail.to_domain": "\(message.to.split(separator: "@").last ?? "?")"])
        }
    }

    static func validText(_ text: String) -> Bool {
        let trimmed = text.trimmingSpaces
        return (1...200).contains(trimmed.count) && MailMessage.isSingleLine(trimmed)
            && !trimmed.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    // MARK: registration and verification

    /// Registers an account (status `pending_verification`, role `viewer`) and mails a
    /// verification link. An address that already has an account gets the same answer and a
    /// notice mail instead, after the same argon2 work, so the API does not tell who has an
    /// account.
    public func register(email: String, name: String, org: String, password: String) async throws -> Result<Void, AuthFailure> {
        guard let address = EmailAddress(email) else { return .failure(.invalidEmail) }
        guard Self.validText(name) else { return .failure(.invalidName) }
        guard Self.validText(org) else { return .failure(.invalidOrg) }
        guard PasswordHasher.weakness(of: password) == nil else { return .failure(.weakPassword) }
        let hash = try await hashPassword(password)
        let t = now()
        guard let user = try await users.createUser(email: address.address, emailKey: address.key, name: name.trimmingSpaces, org: org.trimmingSpaces,
                                                    passwordHash: hash, status: .pendingVerification, role: .viewer, nowMs: t) else {
            send(mail.alreadyRegistered(to: address.address))
            logger.info("registration for an existing address")
            return .success(())
        }
        let token = try await newToken(for: user.id, kind: .verify, lifetimeMs: configuration.verifyLifetimeMs)
        send(mail.verify(to: user.email, name: user.name, token: token.raw))
        logger.info("user registered", metadata: ["user.id": "\(user.id)"])
        return .success(())
    }

    /// Spends a verification token: the account waits for approval, and every admin gets
    /// approve/deny links.
    public func verify(token raw: String) async throws -> Result<StoredUser, AuthFailure> {
        guard let hash = AuthToken.hash(presented: raw),
              let (userID, _) = try await users.consumeToken(hash: hash, kinds: [.verify], nowMs: now()) else { return .failure(.invalidToken) }
        guard let user = try await users.setStatus(userID: userID, to: .pendingApproval, from: [.pendingVerification], nowMs: now()) else {
            return .failure(.conflict)
        }
        try await requestApproval(for: user)
        logger.info("e-mail verified", metadata: ["user.id": "\(user.id)"])
        return .success(user)
    }

    private func requestApproval(for user: StoredUser) async throws {
        try await users.deleteTokens(userID: user.id, kinds: [.approve, .deny])
        let admins = try await users.users(status: .approved).filter { $0.role == .admin }.map(\.email)
        let recipients = Array(Set(admins + configuration.adminNotify)).sorted()
        if recipients.isEmpty {
            logger.warning("no admin to ask for approval; run rg-auth init", metadata: ["user.id": "\(user.id)"])
            return
        }
        // One pair of links per admin: spending one spends the decision (both kinds go).
        for admin in recipients {
            let approve = try await newToken(for: user.id, kind: .approve, lifetimeMs: configuration.approvalLifetimeMs)
            let deny = try await newToken(for: user.id, kind: .deny, lifetimeMs: configuration.approvalLifetimeMs)
            send(mail.approvalRequest(to: admin, user: user, approveToken: approve.raw, denyToken: deny.raw))
        }
    }

    /// Who an approve/deny link is for, without spending it (the confirmation page).
    public func peekDecision(token raw: String) async throws -> (user: StoredUser, kind: TokenKind)? {
        guard let hash = AuthToken.hash(presented: raw),
              let found = try await users.peekToken(hash: hash, kinds: [.approve, .deny], nowMs: now()) else { return nil }
        return (found.user, found.kind)
    }

    /// Spends an approve or deny link (the admin's mail). `approve` must match the link's kind.
    public func decide(token raw: String, approve: Bool) async throws -> Result<StoredUser, AuthFailure> {
        guard let hash = AuthToken.hash(presented: raw),
              let (userID, _) = try await users.consumeToken(hash: hash, kinds: [approve ? .approve : .deny], nowMs: now()) else {
            return .failure(.invalidToken)
        }
        try await users.deleteTokens(userID: userID, kinds: [.approve, .deny])
        return try await setStatus(userID: userID, to: approve ? .approved : .denied, from: [.pendingApproval])
    }

    private func setStatus(userID: Int64, to status: UserStatus, from: Set<UserStatus>?) async throws -> Result<StoredUser, AuthFailure> {
        guard let user = try await users.setStatus(userID: userID, to: status, from: from, nowMs: now()) else {
            return .failure(try await users.user(id: userID) == nil ? .notFound : .conflict)
        }
        switch status {
        case .approved: send(mail.approved(to: user.email, name: user.name))
        case .denied: send(mail.denied(to: user.email, name: user.name))
        default: break
        }
        logger.notice("user status changed", metadata: ["user.id": "\(user.id)", "user.status": "\(status.rawValue)"])
        return .success(user)
    }

    // MARK: admin operations

    /// An admin approves, denies or disables an account (the Users page). Admins cannot
    /// disable or deny themselves (that could lock every admin out).
    public func adminSetStatus(actor: StoredUser, userID: Int64, to status: UserStatus) async throws -> Result<StoredUser, AuthFailure> {
        guard actor.role == .admin, actor.status == .approved else { return .failure(.forbidden) }
        guard status == .approved || status == .denied || status == .disabled else { return .failure(.conflict) }
        if actor.id == userID && status != .approved { return .failure(.conflict) }
        let from: Set<UserStatus>? = status == .denied ? [.pendingApproval, .pendingVerification] : nil
        let result = try await setStatus(userID: userID, to: status, from: from)
        if case .success = result { try await users.deleteTokens(userID: userID, kinds: [.approve, .deny]) }
        return result
    }

    public func adminSetRole(actor: StoredUser, userID: Int64, to role: UserRole) async throws -> Result<StoredUser, AuthFailure> {
        guard actor.role == .admin, actor.status == .approved else { return .failure(.forbidden) }
        if actor.id == userID && role != .admin { return .failure(.conflict) }
        guard let user = try await users.setRole(userID: userID, to: role, nowMs: now()) else { return .failure(.notFound) }
        logger.notice("user role changed", metadata: ["user.id": "\(user.id)", "user.role": "\(role.rawValue)"])
        return .success(user)
    }

    // MARK: login and sessions

    /// Checks the password, then the account's status, and opens a session. Unknown e-mails
    /// spend the same argon2 time against a dummy hash, and a wrong password is reported the
    /// same way whether or not the account exists; the status is only revealed to someone who
    /// knows the password.
    public func login(email: String, password: String) async throws -> Result<NewSession, AuthFailure> {
        let key = EmailAddress(email)?.key
        let user = try await key.asyncMap { try await self.users.user(emailKey: $0) } ?? nil
        let candidate = password.utf8.count <= PasswordHasher.maximumLength ? password : ""
        let ok = await verifyPassword(candidate, user?.passwordHash ?? dummyHash)
        guard let user, ok, !candidate.isEmpty else { return .failure(.invalidCredentials) }
        switch user.status {
        case .pendingVerification: return .failure(.emailNotVerified)
        case .pendingApproval: return .failure(.pendingApproval)
        case .denied, .disabled: return .failure(.accessDenied)
        case .approved: break
        }
        if hasher.needsRehash(user.passwordHash) {
            let upgraded = try await hashPassword(password)
            try await users.upgradePasswordHash(userID: user.id, from: user.passwordHash, to: upgraded)
        }
        let token = try await newToken(for: user.id, kind: .session, lifetimeMs: configuration.sessionLifetimeMs)
        logger.info("signed in", metadata: ["user.id": "\(user.id)"])
        return .success(NewSession(token: token.raw, user: user, expiresMs: now() + configuration.sessionLifetimeMs))
    }

    /// The approved user behind a session token, or nil.
    public func session(token raw: String) async throws -> (user: StoredUser, expiresMs: Int64)? {
        guard let hash = AuthToken.hash(presented: raw), let found = try await users.session(hash: hash, nowMs: now()),
              found.user.status == .approved else { return nil }
        return found
    }

    public func logout(token raw: String) async throws {
        guard let hash = AuthToken.hash(presented: raw) else { return }
        try await users.deleteToken(hash: hash)
    }

    // MARK: password reset

    /// Mails a one-hour reset link when the address has an account that may sign in or is
    /// still being set up; answers the same either way.
    public func forgotPassword(email: String) async throws {
        guard let address = EmailAddress(email), let user = try await users.user(emailKey: address.key),
              user.status != .denied, user.status != .disabled else { return }
        try await users.deleteTokens(userID: user.id, kinds: [.passwordReset])
        let token = try await newToken(for: user.id, kind: .passwordReset, lifetimeMs: configuration.resetLifetimeMs)
        send(mail.passwordReset(to: user.email, token: token.raw))
    }

    /// Spends a reset token and sets the new password; every session of the user ends.
    public func resetPassword(token raw: String, password: String) async throws -> Result<Void, AuthFailure> {
        guard PasswordHasher.weakness(of: password) == nil else { return .failure(.weakPassword) }
        guard let hash = AuthToken.hash(presented: raw),
              let (userID, _) = try await users.consumeToken(hash: hash, kinds: [.passwordReset], nowMs: now()) else { return .failure(.invalidToken) }
        let phc = try await hashPassword(password)
        try await users.setPassword(userID: userID, passwordHash: phc, nowMs: now())
        if let user = try await users.user(id: userID) { send(mail.passwordChanged(to: user.email)) }
        logger.notice("password reset", metadata: ["user.id": "\(userID)"])
        return .success(())
    }

    // MARK: housekeeping

    /// Deletes expired tokens (and used ones older than a day) now and then every `interval`,
    /// until the task is cancelled. A server runs this beside its listener.
    public func purgeTokensPeriodically(every interval: Duration = .seconds(3600)) async {
        while !Task.isCancelled {
            do {
                let removed = try await users.purgeTokens(nowMs: now())
                if removed > 0 { logger.info("expired tokens purged", metadata: ["tokens.removed": "\(removed)"]) }
            } catch {
                logger.warning("cannot purge expired tokens", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    // MARK: operator CLI

    /// Creates an account directly (rg-auth init / user add): approved, with the given role.
    public func createUser(email: String, name: String, org: String, password: String, role: UserRole, status: UserStatus = .approved) async throws -> Result<StoredUser, AuthFailure> {
        guard let address = EmailAddress(email) else { return .failure(.invalidEmail) }
        guard Self.validText(name) else { return .failure(.invalidName) }
        guard Self.validText(org) else { return .failure(.invalidOrg) }
        guard PasswordHasher.weakness(of: password) == nil else { return .failure(.weakPassword) }
        let phc = try await hashPassword(password)
        guard let user = try await users.createUser(email: address.address, emailKey: address.key, name: name.trimmingSpaces, org: org.trimmingSpaces,
                                                    passwordHash: phc, status: status, role: role, nowMs: now()) else { return .failure(.conflict) }
        return .success(user)
    }

    /// Sets a user's password from the CLI; every session ends.
    public func setPassword(userID: Int64, password: String) async throws -> Result<Void, AuthFailure> {
        guard PasswordHasher.weakness(of: password) == nil else { return .failure(.weakPassword) }
        let phc = try await hashPassword(password)
        try await users.setPassword(userID: userID, passwordHash: phc, nowMs: now())
        return .success(())
    }

    /// Any status change from the CLI (the operator is trusted: no role check).
    public func operatorSetStatus(userID: Int64, to status: UserStatus) async throws -> Result<StoredUser, AuthFailure> {
        let result = try await setStatus(userID: userID, to: status, from: nil)
        if case .success = result, status != .pendingApproval { try await users.deleteTokens(userID: userID, kinds: [.approve, .deny]) }
        return result
    }

    public func user(email: String) async throws -> StoredUser? {
        guard let address = EmailAddress(email) else { return nil }
        return try await users.user(emailKey: address.key)
    }

    /// What a presented token is, for `rg-auth token check`: a live session, or an unspent link.
    public func describe(token raw: String) async throws -> (kind: TokenKind, user: StoredUser, expiresMs: Int64)? {
        guard let hash = AuthToken.hash(presented: raw) else { return nil }
        if let s = try await users.session(hash: hash, nowMs: now()) { return (.session, s.user, s.expiresMs) }
        if let t = try await users.peekToken(hash: hash, kinds: [.verify, .approve, .deny, .passwordReset], nowMs: now()) {
            return (t.kind, t.user, t.expiresMs)
        }
        return nil
    }
}

extension Optional {
    func asyncMap<T>(_ body: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await body(self)
    }
}

