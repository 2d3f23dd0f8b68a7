import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A one-off GET to learn why a WebSocket upgrade was refused (the WebSocket client only says
/// that it failed).
struct HTTPProbe {
    let url: String

    init?(webSocketURL: String) {
        if webSocketURL.hasPrefix("ws://") {
            url = "http://" + webSocketURL.dropFirst(5)
        } else if webSocketURL.hasPrefix("wss://") {
            url = "https://" + webSocketURL.dropFirst(6)
        } else {
            return nil
        }
    }

    func status(bearer token: String) async -> Int? {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)) else { return nil }
        return Int(response.status.code)
    }
}
