import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import RGKit
import X509

/// A running `rg-verify serve` on free ports (127.0.0.1:0), its ports read from the
/// `listening` lines it logs, with stdout (verdict records) and stderr drained as they come.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var outData = Data()
    private var errData = Data()
    private(set) var tcpPort = 0
    private(set) var httpPort = 0
    let scratch: ScratchDirectory
    let policyPath: String

    /// Starts the server with a copy of the example policy (tests may edit it) and waits until
    /// it listens. `http: false` runs without the HTTP API.
    init(_ extra: [String] = [], env: [String: String] = [:], http: Bool = true, policy: String? = nil) throws {
        scratch = try ScratchDirectory()
        policyPath = scratch.path("policy.toml")
        try (policy ?? String(contentsOfFile: Repository.examplePolicy, encoding: .utf8)).write(toFile: policyPath, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Tool.path("rg-verify"))
        process.arguments = ["serve", "--policy", policyPath, "--listen", "127.0.0.1:0",
                             "--http-listen", http ? "127.0.0.1:0" : "off"] + extra
        process.environment = Tool.environment(env)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        for (pipe, isOut) in [(output, true), (errors, false)] {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [weak self] in
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
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let err = stderr
            tcpPort = Self.port(in: err, service: "tcp") ?? 0
            httpPort = Self.port(in: err, service: "http") ?? 0
            if tcpPort != 0 && (!http || httpPort != 0) { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.terminate()
        throw ServeError("rg-verify serve did not start: \(stderr)")
    }

    static func port(in log: String, service: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains("service=\(service)") && line.hasSuffix("listening") {
            guard let range = line.range(of: "address=127.0.0.1:") else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }

    var stderr: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: errData, as: UTF8.self)
    }

    /// The verdict records written to stdout so far.
    var records: [JSONValue] {
        lock.lock()
        let data = outData
        lock.unlock()
        return data.split(separator: 0x0A).compactMap { try? JSONDocument(bytes: [UInt8]($0)).root }
    }

    /// Waits until stdout holds at least `count` records.
    func waitForRecords(_ count: Int, timeout: TimeInterval = 20) -> [JSONValue] {
        let deadline = Date().addingTimeInterval(timeout)
        var list = records
        while list.count < count && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
            list = records
        }
        return list
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// SIGTERM, then the exit status.
    func stop() -> Int32 {
        if process.isRunning { signal(SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }

    var tcpAddress: String { "127.0.0.1:\(tcpPort)" }
    var httpBase: String { "http://127.0.0.1:\(httpPort)" }
}

struct ServeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An NDJSON client over TCP, optionally TLS, bound to a chosen source address if asked.
final class LineClient: @unchecked Sendable {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    static func connect(port: Int, tls: TLSConfiguration? = nil, from source: String? = nil, maxLineBytes: Int = 1 << 20) async throws -> LineClient {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await bootstrap.connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                if let sslContext {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                }
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NDJSONLineDecoder(maxLineBytes: maxLineBytes)))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        return LineClient(channel)
    }

    private init(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        self.channel = channel
        iterator = channel.inbound.makeAsyncIterator()
        outbound = channel.outbound
    }

    func send(_ line: String) async throws { try await sendRaw(Array((line + "\n").utf8)) }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// The next line (without its newline), or nil when the server closed the connection.
    func readLine() async throws -> String? {
        guard let buffer = try await iterator.next() else { return nil }
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    func readJSON() async throws -> JSONValue? {
        guard let line = try await readLine() else { return nil }
        return try JSONDocument(line).root
    }

    /// Reads until the server closes: true if it did (rather than sending more lines).
    func readsEndOfStream() async -> Bool {
        do { return try await readLine() == nil } catch { return true }
    }

    /// Reads until the connection ends (or fails): true when no line was a verdict. For peers
    /// the server must refuse, whatever bytes (a TLS alert) it sends before closing.
    func getsNoVerdict() async -> Bool {
        while true {
            let line: String?
            do { line = try await readLine() } catch { return true }
            guard let line else { return true }
            if let json = try? JSONDocument(line).root, json["accepted"] != nil || json["payload"]?["accepted"] != nil { return false }
        }
    }

    func close() async {
        outbound.finish()
        try? await channel.channel.close()
    }

    deinit {
        // NIOAsyncChannel's writer must be finished before it goes away.
        outbound.finish()
        channel.channel.close(promise: nil)
    }
}

/// A compact TemplatePropose line that passes config/policy.toml (hi tier, ≥ 5,000 sat/tx).
func proposeLine(id: UInt64, height: Int64 = 900_000, txCount: Int64 = 2_000, feePerTx: Int64 = 6_000,
                 prevHash: String = String(repeating: "ab", count: 32), nowMs: Int64 = WallClock.milliseconds()) -> String {
    var p = TemplatePropose(id: id, blockHeight: height, prevHash: prevHash, coinbaseValue: 312_500_000 + txCount * feePerTx,
                            txCount: txCount, totalFees: txCount * feePerTx)
    p.createdAtUnixMs = nowMs
    p.templateWeight = 3_000_000
    p.totalSigops = 5_000
    p.coinbaseSigops = 100
    var w = JSONWriter()
    p.write(to: &w)
    return String(decoding: w.bytes, as: UTF8.self)
}

func envelope(_ msgType: String, _ payload: String) -> String {
    "{\"msg_type\":\"\(msgType)\",\"version\":2,\"payload\":\(payload)}"
}

/// A CA and certificates it signs, generated for the test (swift-certificates), written as PEM.
struct TestPKI {
    let name: String
    let caKey: P256.Signing.PrivateKey
    let caCertificate: Certificate

    init(name: String) throws {
        self.name = name
        caKey = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName("\(name) test CA") }
        let now = Date()
        caCertificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
    }

    /// A leaf certificate for `localhost`, usable as server and client (clients here skip the
    /// hostname check, as a verifier's clients connecting by IP would).
    func issue(_ commonName: String) throws -> (certificate: Certificate, key: P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: caCertificate.subject, subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.dnsName("localhost")])
            },
            issuerPrivateKey: .init(caKey))
        return (certificate, key)
    }

    static func pem(_ certificate: Certificate) throws -> String { try certificate.serializeAsPEM().pemString }

    /// Writes `<prefix>.crt` / `<prefix>.key` into `directory`; returns their paths.
    static func write(_ pair: (certificate: Certificate, key: P256.Signing.PrivateKey), to directory: ScratchDirectory, as prefix: String) throws -> (cert: String, key: String) {
        let cert = directory.path("\(prefix).crt"), key = directory.path("\(prefix).key")
        try pem(pair.certificate).write(toFile: cert, atomically: true, encoding: .utf8)
        try pair.key.pemRepresentation.write(toFile: key, atomically: true, encoding: .utf8)
        return (cert, key)
    }

    func writeCA(to directory: ScratchDirectory) throws -> String {
        let path = directory.path("\(name)-ca.crt")
        try Self.pem(caCertificate).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A client configuration trusting this CA for the server, presenting `identity` if given.
    func clientTLS(presenting identity: (certificate: Certificate, key: P256.Signing.PrivateKey)? = nil) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(try Self.pem(caCertificate).utf8), format: .pem)])
        tls.certificateVerification = .noHostnameVerification
        if let identity {
            tls.certificateChain = [.certificate(try NIOSSLCertificate(bytes: Array(try Self.pem(identity.certificate).utf8), format: .pem))]
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(identity.key.pemRepresentation.utf8), format: .pem))
        }
        return tls
    }
}

/// Plain HTTP requests against the server's API.
enum HTTP {
    struct Reply {
        var status: Int
        var body: String
        var headers: [(String, String)]
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var json: JSONValue? { try? JSONDocument(body).root }
    }

    static func request(_ url: String, method: String = "GET", bearer: String? = nil, body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            request.headers.add(name: "Content-Type", value: "application/toml")
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: bytes), headers: response.headers.map { ($0.name, $0.value) })
    }
}

/// A minimal HTTP/1.1 server answering every request with one JSON body, then closing: a
/// stand-in for bitcoind's REST `/rest/mempool/info.json`.
final class StaticJSONServer: @unchecked Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) { self.channel = channel }

    static func start(body: String) async throws -> StaticJSONServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Responder(body: body)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return StaticJSONServer(channel: channel)
    }

    func stop() async { try? await channel.close() }

    final class Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let body: String
        var request = ""
        init(body: String) { self.body = body }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            request += String(buffer: unwrapInboundIn(data))
            guard request.contains("\r\n\r\n") else { return }
            let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
