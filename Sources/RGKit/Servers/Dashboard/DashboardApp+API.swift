import Foundation
import Hummingbird

/// `/api/…`: JSON of everything the pages show, for scripts. The same session cookie, or
/// `Authorization: Bearer <session token>` (a token from `rg-auth`'s `/auth/login` works,
/// since both read the same store). Read-only: changes go through the pages' forms.
extension DashboardApp {
    func addAPI(_ router: Router<ClientRequestContext>) {
        let api = router.group("api")

        api.get("me") { request, _ in
            try await self.signedIn(request, api: true) { user, _ in HTTPBody.json(PublicUser(user)) }
        }

        api.get("overview") { request, _ in
            try await self.signedIn(request, api: true) { _, _ in HTTPBody.json(try await self.store.overview(nowMs: self.now()), snakeCase: true) }
        }

        api.get("verdicts") { request, _ in
            try await self.signedIn(request, api: true) { _, _ in
                let (filter, _) = self.verdictFilter(request)
                let limit = Int(request.query("limit") ?? "") ?? self.configuration.pageSize
                let page = try await self.store.verdictsNewestFirst(filter, before: request.query("before").flatMap(VerdictCursor.init), limit: limit)
                var body = Array("{\"verdicts\":[".utf8)
                for (i, v) in page.verdicts.enumerated() {
                    if i > 0 { body.append(UInt8(ascii: ",")) }
                    body += Self.recordWithID(v)
                }
                body += Array("],\"next\":".utf8) + Array((page.next.map { "\"\($0)\"" } ?? "null").utf8) + [UInt8(ascii: "}")]
                return Self.rawJSON(body)
            }
        }

        api.get("verdicts/:id") { request, context in
            try await self.signedIn(request, api: true) { _, _ in
                guard let id = context.parameters.get("id", as: Int64.self), let v = try await self.store.verdict(id: id) else {
                    return HTTPBody.error("not_found", "no such verdict", status: .notFound)
                }
                return Self.rawJSON(Self.recordWithID(v))
            }
        }

        api.get("templates") { request, _ in
            try await self.signedIn(request, api: true) { _, _ in
                let limit = Int(request.query("limit") ?? "") ?? self.configuration.pageSize
                let (rows, more) = try await self.store.templates(before: request.query("before").flatMap(Self.templateCursor), limit: limit)
                return HTTPBody.json(TemplatePage(templates: rows, next: more ? rows.last.map { "\($0.lastSeenMs).\($0.templateId)" } : nil), snakeCase: true)
            }
        }

        api.get("templates/:id") { request, context in
            try await self.signedIn(request, api: true) { _, _ in
                guard let id = context.parameters.get("id"), let t = try await self.store.template(id: id) else {
                    return HTTPBody.error("not_found", "no such template", status: .notFound)
                }
                return HTTPBody.json(t, snakeCase: true)
            }
        }

        api.get("policy") { request, _ in
            try await self.signedIn(request, api: true) { _, _ in
                let state = self.readPolicyFile()
                let history = try await self.store.policyChanges()
                return HTTPBody.json(PolicyView(path: self.configuration.policyPath, fileHash: state.fileHash, policyHash: state.policy?.hash,
                                                canonicalToml: state.policy?.canonicalTOML, text: state.text, error: state.error, history: history), snakeCase: true)
            }
        }

        api.get("miners") { request, _ in
            try await self.signedIn(request, api: true) { _, _ in
                let offset = max(0, Int(request.query("offset") ?? "0") ?? 0)
                let limit = Int(request.query("limit") ?? "") ?? self.configuration.pageSize
                let (rows, more) = try await self.store.channels(openOnly: request.query("all") != "1", offset: offset, limit: limit, nowMs: self.now())
                return HTTPBody.json(ChannelPage(channels: rows, more: more), snakeCase: true)
            }
        }

        api.get("miners/:id") { request, context in
            try await self.signedIn(request, api: true) { _, _ in
                let t = self.now()
                guard let id = context.parameters.get("id", as: Int64.self), let c = try await self.store.channel(id: id, nowMs: t) else {
                    return HTTPBody.error("not_found", "no such channel", status: .notFound)
                }
                let since = t - t % 900_000 - 23 * 3_600_000 - 2_700_000
                let series = try await self.store.channelHashrate(channelID: c.channelId, sinceMs: since, nowMs: t, bucketMs: 900_000)
                return HTTPBody.json(ChannelDetail(channel: c, hashrate: series), snakeCase: true)
            }
        }

        api.get("users") { request, _ in
            try await self.signedIn(request, role: .admin, api: true) { _, _ in
                HTTPBody.json(["users": try await self.auth.users.users(limit: 1000).map(PublicUser.init)])
            }
        }
    }

    struct TemplatePage: Encodable { var templates: [DashboardStore.TemplateRow]; var next: String? }
    struct ChannelPage: Encodable { var channels: [DashboardStore.ChannelRow]; var more: Bool }
    struct ChannelDetail: Encodable { var channel: DashboardStore.ChannelRow; var hashrate: [DashboardStore.Point] }
    struct PolicyView: Encodable {
        var path: String
        var fileHash: String
        var policyHash: String?
        var canonicalToml: String?
        var text: String
        var error: String?
        var history: [DashboardStore.PolicyChange]
    }

    /// The stored verdict record (the NDJSON shape) with its row `id` first.
    static func recordWithID(_ v: StoredVerdict) -> [UInt8] {
        let record = v.encoded()
        return Array("{\"id\":\(v.id),".utf8) + record.dropFirst()
    }

    static func rawJSON(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: .init(bytes: bytes)))
    }
}
