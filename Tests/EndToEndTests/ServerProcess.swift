import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A server tool (`rg-auth serve`, `rg-stat serve`) started on 127.0.0.1:0; its stderr goes to a
/// file (the mail stub writes there) and the port is read from its `listening on` line.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let stderrPath: String
    private(set) var baseURL = ""

    init(_ name: String, _ arguments: [String], env: [String: String] = [:], stderrPath: String) throws {
        self.stderrPath = stderrPath
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Tool.path(name))
        process.arguments = arguments
        process.environment = Tool.environment(env)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let match = stderr.firstMatch(of: /listening on (http:\/\/[0-9.]+:[0-9]+)/) {
                baseURL = String(match.1)
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw TestFailure("\(name) did not start listening:\n\(stderr)")
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, then wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A small HTTP client that keeps cookies itself (as a browser would, Secure ones included over
/// loopback) and never follows redirects, so tests see every status and Set-Cookie.
final class CookieSession: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
        var object: [String: Any] { (json as? [String: Any]) ?? [:] }
    }

    let base: String
    var cookies: [String: String] = [:]
    private var session: URLSession!

    init(base: String) {
        self.base = base
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func request(_ method: String, _ path: String, body: String? = nil, contentType: String? = nil, headers: [String: String] = [:]) throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let body { request.httpBody = Data(body.utf8) }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if !cookies.isEmpty { request.setValue(cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "), forHTTPHeaderField: "Cookie") }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var result: Result<Reply, any Error> = .failure(TestFailure("no reply")) }
        let box = Box()
        session.dataTask(with: request) { data, response, error in
            if let error { box.result = .failure(error) } else if let http = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
                box.result = .success(Reply(status: http.statusCode, headers: headers, body: String(decoding: data ?? Data(), as: UTF8.self)))
            }
            done.signal()
        }.resume()
        done.wait()
        let reply = try box.result.get()
        if let setCookie = reply.headers["set-cookie"] {
            // Several cookies may arrive joined by ", " (Expires never contains one: we use Max-Age).
            for part in setCookie.components(separatedBy: ", ") {
                let pair = part.split(separator: ";").first.map(String.init) ?? ""
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard kv.count == 2 else { continue }
                let name = kv[0].trimmingCharacters(in: .whitespaces)
                if kv[1].isEmpty || part.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = String(kv[1]) }
            }
        }
        return reply
    }

    func get(_ path: String, headers: [String: String] = [:]) throws -> Reply { try request("GET", path, headers: headers) }

    func postJSON(_ path: String, _ object: [String: Any], headers: [String: String] = [:]) throws -> Reply {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try request("POST", path, body: String(decoding: data, as: UTF8.self), contentType: "application/json", headers: headers)
    }

    func postForm(_ path: String, _ fields: [String: String]) throws -> Reply {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.sorted().joined(separator: "&")
        return try request("POST", path, body: body, contentType: "application/x-www-form-urlencoded")
    }

    /// The hidden `csrf` field of the page at `path`.
    func csrf(from path: String) throws -> String {
        let page = try get(path)
        guard let match = page.body.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/) else { throw TestFailure("no csrf field on \(path): \(page.status)") }
        return String(match.1)
    }

    /// Signs in through the login form.
    func signIn(_ email: String, _ password: String) throws {
        let token = try csrf(from: "/login")
        let reply = try postForm("/login", ["csrf": token, "email": email, "password": password])
        guard reply.status == 303, cookies["rg_session"] != nil else { throw TestFailure("sign-in as \(email) failed: \(reply.status) \(reply.body.prefix(300))") }
    }
}

/// Tokens in mail-stub output: `…?token=<64 hex>` after a path.
enum MailStub {
    static func links(_ text: String, path: String) -> [String] {
        text.matches(of: /\?token=([0-9a-f]{64})/).compactMap { m -> String? in
            let start = text[..<m.range.lowerBound]
            return start.hasSuffix(path) ? String(m.1) : nil
        }
    }
}

/// The Python venv that scripts/setup-test-env.sh made (selenium, aiosmtpd), if any.
enum TestPython {
    static var path: String? {
        let candidate = Repository.root.appendingPathComponent(".venv-tests/bin/python").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }
    /// In CI the tools must be there; on a developer machine a missing one skips with a message.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }
}
