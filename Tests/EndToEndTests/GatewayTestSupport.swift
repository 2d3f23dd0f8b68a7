import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import RGKit

/// `rg-gate` started on 127.0.0.1 with free ports: verdict records written to its stdin, its
/// records collected from stdout, the SV2 and HTTP ports read from stderr.
final class GateProcess: @unchecked Sendable {
    let process = Process()
    let scratch: ScratchDirectory
    let keyPath: String
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var outData = Data()
    private var errData = Data()
    private(set) var port = 0
    private(set) var httpPort = 0

    /// - Parameters:
    ///   - arguments: flags after the defaults (later ones win).
    ///   - network: the payout network (`mainnet` templates have a real network target).
    init(_ arguments: [String] = [], network: String = "mainnet", keyPath: String? = nil, scratch: ScratchDirectory? = nil) throws {
        let scratch = try scratch ?? ScratchDirectory()
        self.scratch = scratch
        if let keyPath {
            self.keyPath = keyPath
        } else {
            self.keyPath = scratch.path("authority.key")
            let made = try Tool.run("rg-gate", ["keygen", "--output", self.keyPath])
            guard made.status == 0 else { throw TestFailure("keygen: \(made.err)") }
        }
        let payout = network == "regtest" ? "bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9" : "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv"
        process.executableURL = URL(fileURLWithPath: Tool.path("rg-gate"))
        process.arguments = ["--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "--authority-key", self.keyPath,
                             "--network", network, "--payout", payout, "--min-difficulty", "1e-9", "--default-difficulty", "1e-9",
                             "--vardiff-rate", "0", "--share-rate-limit", "0", "--snapshot-interval", "0"] + arguments
        process.environment = Tool.environment()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        for (pipe, isOut) in [(output, true), (errors, false)] {
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async { [weak self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return }
                    guard let self else { return }
                    self.lock.lock()
                    if isOut { self.outData.append(chunk) } else { self.errData.append(chunk) }
                    self.lock.unlock()
                }
            }
        }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = stderr
            if let m = text.firstMatch(of: /listening for miners on 127\.0\.0\.1:([0-9]+)/),
               let h = text.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:([0-9]+)/) {
                port = Int(m.1)!
                httpPort = Int(h.1)!
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.terminate()
        throw TestFailure("rg-gate did not start:\n\(stderr)")
    }

    var stderr: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: errData, as: UTF8.self)
    }

    /// Every stdout record so far, parsed.
    var records: [JSONValue] {
        lock.lock()
        let data = outData
        lock.unlock()
        return data.split(separator: 0x0A).compactMap { try? JSONDocument(bytes: [UInt8]($0)).root }
    }

    func records(ofType type: String) -> [JSONValue] { records.filter { $0["type"]?.string == type } }

    /// Waits until `condition` holds for the records (or fails after `seconds`).
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 20, _ condition: ([JSONValue]) -> Bool) throws -> [JSONValue] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let r = records
            if condition(r) { return r }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestFailure("timed out waiting for \(what); stderr:\n\(stderr)")
    }

    func send(_ line: [UInt8]) { input.fileHandleForWriting.write(Data(line + [0x0A])) }
    func send(lines: [[UInt8]]) { for l in lines { send(l) } }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }

    var authorityKey: XOnlyPublicKey { try! AuthorityKeyPair.load(fromFile: keyPath).publicKey }
}

/// Verdict records from the real tools: `rg-feed demo | rg-verify`.
enum GateVerdicts {
    /// `count` templates of `scenario`, each on a new tip (a block is "found" on every normal one).
    static func make(scenario: String = "normal", count: Int = 1, network: String = "mainnet", seed: Int = 7, height: Int = 890_000) throws -> [[UInt8]] {
        let feed = try Tool.run("rg-feed", ["demo", "--scenario", scenario, "--count", "\(count)", "--interval", "0s", "--seed", "\(seed)",
                                            "--network", network, "--txs", "20", "--height", "\(height)"])
        guard feed.status == 0 else { throw TestFailure("rg-feed demo: \(feed.err)") }
        let verified = try Tool.run("rg-verify", ["--network", network, "--policy", Repository.examplePolicy], stdin: feed.stdout)
        guard verified.status == 0 || verified.status == 3 else { throw TestFailure("rg-verify: \(verified.err)") }
        return verified.stdout.split(separator: 0x0A).map { [UInt8]($0) }
    }

    static func accepted(_ line: [UInt8]) -> Bool { (try? JSONDocument(bytes: line).root["accepted"]?.bool) == true }
    static func reasonCode(_ line: [UInt8]) -> String? { (try? JSONDocument(bytes: line))?.root["reason_code"]?.string }
}

/// A miner speaking real SV2 over Noise on a blocking socket, with the gateway's work tracked
/// as a miner would: channel target and prefix, jobs, the active prevhash.
final class SV2TestMiner {
    struct Job { var merkleRoot: Bytes32; var version: UInt32; var minNtime: UInt32?; var extended: NewExtendedMiningJob? }
    let fd: Int32
    private var transport: NoiseTransport
    private var unread: [SV2Frame] = []
    var channelID: UInt32 = 0
    var target = Bytes32.zero
    var extranoncePrefix: [UInt8] = []
    var extranonceSize = 0
    var jobs: [UInt32: Job] = [:]
    var activeJobID: UInt32?
    var prevHash = Bytes32.zero
    var nbits: UInt32 = 0
    var prevMinNtime: UInt32 = 0
    private var sequence: UInt32 = 0
    /// Where the next nonce search starts, so successive shares are different shares.
    var nonceCursor: UInt32 = 0
    /// Every message received, in order.
    private(set) var received: [SV2Message] = []
    /// The certificate the gateway presented (already checked against the authority key).
    let certificate: NoiseCertificate

    /// Connects and completes the Noise handshake (certificate checked against `authority`).
    init(port: Int, authority: XOnlyPublicKey) throws {
        fd = try Self.connect(port: port)
        var rng = SecureRandomNumberGenerator()
        var initiator = NoiseInitiator(authorityKey: authority, using: &rng)
        try Self.writeAll(fd, try initiator.writeAct1())
        let act2 = try Self.readExactly(fd, NoiseHandshake.act2Size, seconds: 10)
        let session = try initiator.readAct2(act2, nowSeconds: Int64(time(nil)))
        transport = session.transport(maxPayloadLength: 1 << 20)
        certificate = session.certificate
    }

    deinit { close(fd) }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard result == 0 else { close(fd); throw TestFailure("connect: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; throw TestFailure("send: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// Reads what is available within `seconds`; empty at EOF, nil on timeout.
    static func readSome(_ fd: Int32, seconds: Double) throws -> [UInt8]? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let r = poll(&p, 1, Int32(seconds * 1000))
        if r == 0 { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        if n < 0 { if errno == ECONNRESET { return [] }; throw TestFailure("recv: \(String(cString: strerror(errno)))") }
        return Array(buffer[0..<n])
    }

    static func readExactly(_ fd: Int32, _ count: Int, seconds: Double) throws -> [UInt8] {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while out.count < count {
            guard let chunk = try readSome(fd, seconds: max(0.01, deadline.timeIntervalSinceNow)) else { throw TestFailure("read timed out") }
            if chunk.isEmpty { throw TestFailure("connection closed after \(out.count) of \(count) bytes") }
            out += chunk
        }
        return out
    }

    func send(_ message: SV2Message) throws { try sendFrame(message.frame) }

    func sendFrame(_ frame: SV2Frame) throws { try Self.writeAll(fd, try transport.encrypt(frame)) }

    /// Raw bytes on the socket (for malformed input).
    func sendRaw(_ bytes: [UInt8]) throws { try Self.writeAll(fd, bytes) }

    /// The next message, or nil when the connection closed. Throws on timeout.
    func next(seconds: Double = 10) throws -> SV2Message? {
        let deadline = Date().addingTimeInterval(seconds)
        while unread.isEmpty {
            guard let chunk = try Self.readSome(fd, seconds: max(0.01, deadline.timeIntervalSinceNow)) else {
                throw TestFailure("no message within \(seconds) s")
            }
            if chunk.isEmpty { return nil }
            unread += try transport.decrypt(chunk)
        }
        let message = try SV2Message(frame: unread.removeFirst())
        observe(message)
        return message
    }

    /// Reads until a message matches (returns it) or the connection closes (nil).
    func next(until match: (SV2Message) -> Bool, seconds: Double = 10) throws -> SV2Message? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            guard let m = try next(seconds: max(0.01, deadline.timeIntervalSinceNow)) else { return nil }
            if match(m) { return m }
        }
    }

    /// True when the gateway closed the connection within `seconds` (messages before it are read).
    func closedByPeer(seconds: Double = 10) -> Bool {
        do { return try next(until: { _ in false }, seconds: seconds) == nil } catch { return false }
    }

    private func observe(_ m: SV2Message) {
        received.append(m)
        switch m {
        case .openStandardMiningChannelSuccess(let s):
            channelID = s.channelID; target = s.target; extranoncePrefix = s.extranoncePrefix.bytes
        case .openExtendedMiningChannelSuccess(let s):
            channelID = s.channelID; target = s.target; extranoncePrefix = s.extranoncePrefix.bytes; extranonceSize = Int(s.extranonceSize)
        case .newMiningJob(let j):
            jobs[j.jobID] = Job(merkleRoot: j.merkleRoot, version: j.version, minNtime: j.minNtime, extended: nil)
            if j.minNtime != nil { activeJobID = j.jobID }
        case .newExtendedMiningJob(let j):
            jobs[j.jobID] = Job(merkleRoot: .zero, version: j.version, minNtime: j.minNtime, extended: j)
            if j.minNtime != nil { activeJobID = j.jobID }
        case .setNewPrevHash(let p):
            prevHash = p.prevHash; nbits = p.nbits; prevMinNtime = p.minNtime; activeJobID = p.jobID
        case .setTarget(let t):
            target = t.maximumTarget
        default:
            break
        }
    }

    func setup() throws {
        try send(.setupConnection(SetupConnection(flags: 0, endpointHost: try Str0_255("127.0.0.1"), endpointPort: 3336,
                                                  vendor: try Str0_255("rg-e2e"), hardwareVersion: .empty, firmware: .empty, deviceID: .empty)))
        guard case .setupConnectionSuccess? = try next() else { throw TestFailure("no SetupConnection.Success") }
    }

    /// Opens a standard channel and reads until it has an active job (when there is work).
    @discardableResult
    func openStandard(user: String = "alice.rig1", hashrate: Float = 0, maxTarget: Bytes32 = Bytes32(w0: .max, w1: .max, w2: .max, w3: .max),
                      waitForJob: Bool = true) throws -> SV2Message? {
        try send(.openStandardMiningChannel(OpenStandardMiningChannel(requestID: 1, userIdentity: try Str0_255(user),
                                                                        nominalHashRate: hashrate, maxTarget: maxTarget)))
        let reply = try next()
        if waitForJob, case .openStandardMiningChannelSuccess? = reply {
            _ = try next(until: { if case .setNewPrevHash = $0 { return true }; return false })
        }
        return reply
    }

    func ntime(_ jobID: UInt32) -> UInt32 { max(jobs[jobID]?.minNtime ?? prevMinNtime, prevMinNtime) }

    /// The header hash of a standard share.
    func hash(jobID: UInt32, nonce: UInt32, ntime: UInt32, version: UInt32) -> Bytes32 {
        ShareHasher.hash(version: version, prevHash: prevHash, merkleRoot: jobs[jobID]!.merkleRoot, ntime: ntime, bits: nbits, nonce: nonce)
    }

    /// A nonce whose header meets `target` (little-endian), from `start`.
    func nonce(jobID: UInt32, target: Bytes32, start: UInt32 = 0, ntime: UInt32? = nil, version: UInt32? = nil) -> UInt32 {
        let t = ntime ?? self.ntime(jobID), v = version ?? jobs[jobID]!.version
        var n = start
        while target < hash(jobID: jobID, nonce: n, ntime: t, version: v) { n &+= 1 }
        return n
    }

    /// A nonce whose header does not meet `target`.
    func badNonce(jobID: UInt32, target: Bytes32) -> UInt32 {
        let t = ntime(jobID), v = jobs[jobID]!.version
        var n: UInt32 = 0
        while !(target < hash(jobID: jobID, nonce: n, ntime: t, version: v)) { n &+= 1 }
        return n
    }

    func nextSequence() -> UInt32 { sequence += 1; return sequence }

    /// Submits a share on the active job and returns the answer.
    func submit(jobID: UInt32? = nil, nonce: UInt32? = nil, ntime: UInt32? = nil, version: UInt32? = nil, channelID: UInt32? = nil) throws -> SV2Message? {
        let job = jobID ?? activeJobID!
        let v = version ?? jobs[job]?.version ?? 0x2000_0000
        let t = ntime ?? (jobs[job] != nil ? self.ntime(job) : prevMinNtime)
        let n = nonce ?? self.nonce(jobID: job, target: target, start: nonceCursor, ntime: t, version: v)
        if nonce == nil { nonceCursor = n &+ 1 }
        try send(.submitSharesStandard(SubmitSharesStandard(channelID: channelID ?? self.channelID, sequenceNumber: nextSequence(), jobID: job,
                                                            nonce: n, ntime: t, version: v)))
        return try next(until: {
            switch $0 { case .submitSharesSuccess, .submitSharesError: true; default: false }
        })
    }
}

extension SV2Message {
    /// The SubmitShares.Error code, or nil.
    var shareErrorCode: String? {
        if case .submitSharesError(let e) = self { return e.errorCode.wire.string }
        return nil
    }
    var isShareSuccess: Bool { if case .submitSharesSuccess = self { return true }; return false }
}
