import CArgon2

/// Argon2id parameters. The defaults are OWASP's minimum for Argon2id (m = 19 MiB, t = 2,
/// p = 1, as the reference used); they are written into every PHC string, so raising them later
/// only affects new hashes, and `needsRehash` lets a login upgrade an old hash.
public struct Argon2Parameters: Sendable, Equatable {
    /// Memory in KiB.
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    public init(memoryKiB: UInt32 = 19_456, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public static let owaspMinimum = Argon2Parameters()

    /// Reads `m`, `t`, `p` from `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`; nil if it is not
    /// an argon2id PHC string.
    public init?(phc: String) {
        let parts = phc.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].isEmpty, parts[1] == "argon2id" else { return nil }
        var m: UInt32?, t: UInt32?, p: UInt32?
        for pair in parts[3].split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let value = UInt32(kv[1]) else { return nil }
            switch kv[0] {
            case "m": m = value
            case "t": t = value
            case "p": p = value
            default: return nil
            }
        }
        guard let m, let t, let p else { return nil }
        self.init(memoryKiB: m, iterations: t, parallelism: p)
    }
}

/// Why a password could not be hashed.
public struct PasswordHashError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Argon2id password hashing through libargon2 (`argon2id_hash_encoded`/`argon2id_verify`).
/// Pure apart from the CPU and memory it spends: the salt is passed in.
public struct PasswordHasher: Sendable {
    public let parameters: Argon2Parameters
    public static let saltBytes = 16
    public static let hashBytes = 32
    /// Passwords are 8…1024 bytes (the upper bound keeps a request from buying unbounded work).
    public static let minimumLength = 8
    public static let maximumLength = 1024

    public init(parameters: Argon2Parameters = .owaspMinimum) { self.parameters = parameters }

    /// A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
    public func hash(password: [UInt8], salt: [UInt8]) throws(PasswordHashError) -> String {
        let p = parameters
        let length = argon2_encodedlen(p.iterations, p.memoryKiB, p.parallelism, UInt32(salt.count), UInt32(Self.hashBytes), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length + 1)
        let status = password.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { s in
                argon2id_hash_encoded(p.iterations, p.memoryKiB, p.parallelism, pwd.baseAddress, pwd.count,
                                      s.baseAddress, s.count, Self.hashBytes, &encoded, encoded.count)
            }
        }
        guard status == ARGON2_OK.rawValue else {
            throw PasswordHashError(description: "argon2id: \(String(cString: argon2_error_message(status)))")
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches the PHC string. libargon2 compares in constant time. A
    /// malformed string is a mismatch, never a crash.
    public func verify(password: [UInt8], phc: String) -> Bool {
        guard phc.hasPrefix("$argon2id$") else { return false }
        let status = password.withUnsafeBytes { pwd in
            phc.withCString { argon2id_verify($0, pwd.baseAddress, pwd.count) }
        }
        return status == ARGON2_OK.rawValue
    }

    /// True when the stored hash is weaker than the current parameters.
    public func needsRehash(_ phc: String) -> Bool {
        guard let stored = Argon2Parameters(phc: phc) else { return true }
        return stored.memoryKiB < parameters.memoryKiB || stored.iterations < parameters.iterations || stored.parallelism < parameters.parallelism
    }

    /// Password rule: 8…1024 bytes of UTF-8. Returns a reason, or nil when acceptable.
    public static func weakness(of password: String) -> String? {
        let count = password.utf8.count
        if count < minimumLength { return "password must be at least \(minimumLength) characters" }
        if count > maximumLength { return "password must be at most \(maximumLength) bytes" }
        return nil
    }
}
