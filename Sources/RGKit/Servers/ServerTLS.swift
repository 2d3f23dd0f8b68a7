import NIOSSL

/// TLS for a server from PEM files: a certificate chain and its private key (both, or neither —
/// one without the other is a configuration error, never a silent plaintext fallback), and
/// optionally a CA whose certificates clients must present (mTLS). The key is read from a file
/// named by a flag or environment variable; the key itself never appears in a flag or a log.
public struct ServerTLS: Sendable {
    public var certificateFile: String
    public var keyFile: String
    /// Set: every client must present a certificate that chains to this CA (hostnames are not
    /// checked; a client has none to check).
    public var clientCAFile: String?
    /// The ALPN protocol offered (the reference verifier uses `rg-ndjson`).
    public var applicationProtocols: [String]

    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil, applicationProtocols: [String] = []) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
        self.applicationProtocols = applicationProtocols
    }

    /// Resolves the three settings (flag, then environment): nil when neither certificate nor
    /// key is set; a usage error when only one is, or when a client CA comes without them.
    public static func resolve(certificate: String?, key: String?, clientCA: String?, flagPrefix: String = "--tls",
                               envPrefix: String = "RG_TLS", applicationProtocols: [String] = []) throws(ToolError) -> ServerTLS? {
        let cert = Setting.string(certificate, env: "\(envPrefix)_CERT")
        let keyFile = Setting.string(key, env: "\(envPrefix)_KEY")
        let ca = Setting.string(clientCA, env: "\(envPrefix)_CLIENT_CA")
        switch (cert, keyFile) {
        case (nil, nil):
            if ca != nil {
                throw ToolError(.usage, "\(flagPrefix)-client-ca needs \(flagPrefix)-cert and \(flagPrefix)-key: client certificates are checked only over TLS")
            }
            return nil
        case (.some, nil):
            throw ToolError(.usage, "\(flagPrefix)-cert is set but \(flagPrefix)-key is not: give both (TLS) or neither (plaintext); refusing to fall back to plaintext")
        case (nil, .some):
            throw ToolError(.usage, "\(flagPrefix)-key is set but \(flagPrefix)-cert is not: give both (TLS) or neither (plaintext); refusing to fall back to plaintext")
        case let (cert?, keyFile?):
            return ServerTLS(certificateFile: cert, keyFile: keyFile, clientCAFile: ca, applicationProtocols: applicationProtocols)
        }
    }

    public var configuration: TLSConfiguration {
        get throws(ToolError) {
            let chain: [NIOSSLCertificate]
            do { chain = try NIOSSLCertificate.fromPEMFile(certificateFile) } catch {
                throw ToolError(.usage, "\(certificateFile): cannot read a PEM certificate chain (\(error))")
            }
            guard !chain.isEmpty else { throw ToolError(.usage, "\(certificateFile): no certificate in the file") }
            let key: NIOSSLPrivateKey
            do { key = try NIOSSLPrivateKey(file: keyFile, format: .pem) } catch {
                // The error names the file only: never the key's bytes.
                throw ToolError(.usage, "\(keyFile): cannot read a PEM private key")
            }
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            tls.minimumTLSVersion = .tlsv12
            tls.applicationProtocols = applicationProtocols
            if let clientCAFile {
                let roots: [NIOSSLCertificate]
                do { roots = try NIOSSLCertificate.fromPEMFile(clientCAFile) } catch {
                    throw ToolError(.usage, "\(clientCAFile): cannot read the client CA certificates (\(error))")
                }
                guard !roots.isEmpty else { throw ToolError(.usage, "\(clientCAFile): no certificate in the file") }
                tls.trustRoots = .certificates(roots)
                tls.certificateVerification = .noHostnameVerification   // a client certificate is required
                tls.sendCANameList = true
            } else {
                tls.certificateVerification = .none
            }
            return tls
        }
    }

    public func makeContext() throws(ToolError) -> NIOSSLContext {
        let tls = try configuration
        do { return try NIOSSLContext(configuration: tls) } catch {
            throw ToolError(.usage, "\(certificateFile) / \(keyFile): not a usable TLS certificate and key (\(error))")
        }
    }
}
