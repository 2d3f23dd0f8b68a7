import Foundation
import Testing
@testable import RGKit

#if canImport(Glibc)
import Glibc
#endif

/// A tool process that keeps running while the test acts on it: stdout lines and stderr text
/// are collected in the background; the test waits for conditions with generous deadlines.
final class StreamingTool: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var lines: [[UInt8]] = []
    private var errText = Data()
    private let finished = DispatchGroup()

    /// `stdin`: another process's output pipe, instead of one the test writes to.
    init(_ name: String, _ arguments: [String], env: [String: String] = [:], stdin: Pipe? = nil) throws {
        process.executableURL = URL(fileURLWithPath: Tool.path(name))
        process.arguments = arguments
        process.environment = Tool.environment(env)
        process.standardInput = stdin ?? input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        for (pipe, isOut) in [(output, true), (errors, false)] {
            finished.enter()
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async { [self] in
                if isOut {
                    let reader = LineReader(fd: handle.fileDescriptor)
                    while let event = try? reader.next() {
                        guard case .line(let line, _) = event else { continue }
                        lock.lock()
                        lines.append(line)
                        lock.unlock()
                    }
                } else {
                    while true {
                        let chunk = handle.availableData
                        if chunk.isEmpty { break }
                        lock.lock()
                        errText.append(chunk)
                        lock.unlock()
                    }
                }
                finished.leave()
            }
        }
    }

    var stdoutLines: [[UInt8]] { lock.lock(); defer { lock.unlock() }; return lines }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errText, as: UTF8.self) }
    var isRunning: Bool { process.isRunning }

    func send(_ bytes: [UInt8]) { input.fileHandleForWriting.write(Data(bytes + [0x0A])) }
    func sendRaw(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }
    func closeInput() { try? input.fileHandleForWriting.close() }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for exit (after a signal or end of input); returns the status.
    func wait() -> Int32 {
        process.waitUntilExit()
        finished.wait()
        return process.terminationStatus
    }

    /// Stops a tool still running at the end of a test, whatever happened.
    func stop() {
        if process.isRunning { signal(SIGKILL) }
        process.waitUntilExit()
    }

    @discardableResult
    func waitForLines(_ count: Int, timeout: TimeInterval = 60) -> Bool {
        eventually(timeout) { stdoutLines.count >= count }
    }

    @discardableResult
    func waitForStderr(_ text: String, timeout: TimeInterval = 60) -> Bool {
        eventually(timeout) { stderr.contains(text) }
    }

    /// The port from the server's `listening` log line (it binds port 0 or the one asked for).
    func listeningPort(timeout: TimeInterval = 60) -> Int? {
        var port: Int?
        eventually(timeout) {
            let text = stderr
            guard let range = text.range(of: "address=127.0.0.1:") else { return !isRunning }
            port = Int(text[range.upperBound...].prefix { $0.isNumber })
            return true
        }
        return port
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes (a deadline, not a sleep
/// the test relies on). Returns whether it held.
@discardableResult
func eventually(_ timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() > deadline { return false }
        usleep(10_000)
    }
    return true
}

/// A port nothing listens on: bind port 0, read the port back, close.
func freeLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A minimal HTTP/1.1 client over a raw socket, so the tests see exactly what the server sends
/// (status, headers, body bytes) and can send what no well-behaved client would.
enum HTTPProbe {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var json: JSONValue? { try? JSONDocument(bytes: body).root }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func basic(_ user: String, _ password: String) -> String { "Basic " + Base64.encode(Array("\(user):\(password)".utf8)) }

    static func post(port: Int, body: [UInt8], authorization: String? = basic("u", "p"), method: String = "POST",
                     contentLength: Int? = nil, extraHeaders: [String] = []) throws -> Response {
        var request = "\(method) / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\nConnection: close\r\n"
        if let authorization { request += "Authorization: \(authorization)\r\n" }
        request += "Content-Length: \(contentLength ?? body.count)\r\n"
        for header in extraHeaders { request += header + "\r\n" }
        request += "\r\n"
        return try exchange(port: port, bytes: Array(request.utf8) + body)
    }

    static func rpc(port: Int, _ json: String, authorization: String? = basic("u", "p")) throws -> Response {
        try post(port: port, body: Array(json.utf8), authorization: authorization)
    }

    static func exchange(port: Int, bytes: [UInt8]) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw POSIXError(.ECONNREFUSED) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }   // the server may close early (413): read what it said
            offset += n
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { break }
            received.append(contentsOf: chunk[0..<n])
            if let response = parse(received), response.body.count >= Int(response.headers["content-length"] ?? "0") ?? 0,
               response.headers["content-length"] != nil || response.status == 204 {
                return response
            }
        }
        guard let response = parse(received) else { throw POSIXError(.EBADMSG) }
        return response
    }

    static func parse(_ bytes: [UInt8]) -> Response? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.split(separator: " ").count >= 2, let status = Int(statusLine.split(separator: " ")[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: Array(bytes[(end + 4)...]))
    }
}

/// Builds a block from a template as a miner would (coinbase to OP_TRUE, the template's
/// transactions, the witness commitment), mined on regtest's easy target (or, with `mine: false`,
/// with a header hash above it).
enum TestBlocks {
    static func block(from gbt: BlockTemplate, network: Network, mine: Bool = true, tag: UInt8 = 0) throws -> Block {
        var scriptSig = BIP34.heightPush(gbt.height)
        scriptSig += [0x02, 0x72, tag]
        let commitment = gbt.defaultWitnessCommitment
        let input = TxIn(prevout: .null, scriptSig: Script(scriptSig), sequence: 0xFFFF_FFFF,
                         witness: commitment == nil ? [] : [[UInt8](repeating: 0, count: 32)])
        var outputs = [TxOut(valueSat: gbt.coinbaseValue, scriptPubKey: Script([0x51]))]
        if let commitment { outputs.append(TxOut(valueSat: 0, scriptPubKey: Script(commitment))) }
        var transactions = [Transaction(version: 2, inputs: [input], outputs: outputs, lockTime: 0)]
        for tx in gbt.transactions {
            transactions.append(try Transaction(bytes: try (tx.dataHex ?? []).withUnsafeBytes { raw throws(DecodeError) in try Hex.decode(raw) }))
        }
        var header = BlockHeader(version: gbt.version, prevBlockHash: gbt.previousBlockHash ?? .zero,
                                 merkleRoot: Merkle.root(txids: transactions.map(\.txid)) ?? .zero,
                                 time: UInt32(gbt.curTime), bits: gbt.bits, nonce: 0)
        while header.hasValidProofOfWork(powLimit: network.powLimit) != mine { header.nonce += 1 }
        return Block(header: header, transactions: transactions)
    }
}

extension Array where Element == [UInt8] {
    /// Each line parsed as JSON.
    func json() throws -> [JSONValue] { try map { try JSONDocument(bytes: $0).root } }
}
