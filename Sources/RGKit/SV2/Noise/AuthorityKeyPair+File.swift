#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The authority key file: the 32-byte secret as 64 hex digits (a trailing newline is fine),
/// mode 0600. Loading refuses a file that group or others can read, like ssh does for private
/// keys, because the key signs every certificate the pool's miners trust.
extension AuthorityKeyPair {
    /// Reads the key from `path`. Errors name the file and the fix.
    public static func load(fromFile path: String) throws(NoiseError) -> AuthorityKeyPair {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw NoiseError(.keyFile, "\(path): cannot open: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw NoiseError(.keyFile, "\(path): cannot stat: \(errnoText())") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw NoiseError(.keyFile, "\(path): not a regular file") }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw NoiseError(.keyFile, "\(path): mode \(String(mode, radix: 8)) lets group or others read the authority secret; run: chmod 600 \(path)")
        }
        // 64 hex digits plus a little whitespace; anything bigger is not a key file.
        var buffer = [UInt8](repeating: 0, count: 256)
        defer { for i in buffer.indices { buffer[i] = 0 } }
        var total = 0
        while total < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NoiseError(.keyFile, "\(path): cannot read: \(errnoText())")
            }
            if n == 0 { break }
            total += n
        }
        guard total < buffer.count else { throw NoiseError(.keyFile, "\(path): too large for a key file (expected 64 hex digits)") }
        var end = total
        while end > 0, [0x20, 0x0A, 0x0D, 0x09].contains(buffer[end - 1]) { end -= 1 }
        guard end == 64 else {
            throw NoiseError(.keyFile, "\(path): expected 64 hex digits (a 32-byte secret), found \(end) characters")
        }
        var decoded: [UInt8]
        do {
            decoded = try buffer.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws(DecodeError) in
                try Hex.decode(UnsafeRawBufferPointer(rebasing: raw[0..<64]))
            }
        } catch {
            throw NoiseError(.keyFile, "\(path): not hex: \(error)")
        }
        defer { for i in decoded.indices { decoded[i] = 0 } }
        do {
            return try AuthorityKeyPair(secretKey: SecretKey(bytes: decoded))
        } catch let error as NoiseError {
            throw NoiseError(.keyFile, "\(path): \(error.detail)")
        } catch {
            throw NoiseError(.keyFile, "\(path): \(error)")
        }
    }

    /// Writes the secret to a new file at `path` with mode 0600. Refuses to overwrite an existing
    /// file, so a typo cannot replace the pool's key.
    public func save(toFile path: String) throws(NoiseError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw NoiseError(.keyFile, "\(path): cannot create: \(errnoText())") }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(path) }
        }
        // umask can only narrow the mode; set it explicitly anyway in case the file system ignored it.
        guard fchmod(fd, 0o600) == 0 else { throw NoiseError(.keyFile, "\(path): cannot chmod 600: \(errnoText())") }
        // Hex by hand into a buffer we can wipe (a String's storage cannot be wiped).
        var text = [UInt8](repeating: 0x0A, count: 65)
        keyPair.secretKey.withUnsafeBytes { raw in
            for (i, b) in raw.enumerated() {
                text[2 * i] = Hex.digits[Int(b >> 4)]
                text[2 * i + 1] = Hex.digits[Int(b & 0x0F)]
            }
        }
        defer { for i in text.indices { text[i] = 0 } }
        var written = 0
        while written < text.count {
            let n = text.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NoiseError(.keyFile, "\(path): cannot write: \(errnoText())")
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw NoiseError(.keyFile, "\(path): cannot fsync: \(errnoText())") }
        ok = true
    }
}

private func errnoText() -> String { String(cString: strerror(errno)) }
