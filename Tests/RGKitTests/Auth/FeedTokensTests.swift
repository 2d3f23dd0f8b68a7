import Testing
@testable import RGKit

@Suite struct FeedTokensTests {
    @Test func tokensAreStoredAsHashesAndAuthenticateUntilRevoked() throws {
        var tokens = FeedTokens()
        var rng = SplitMix64(seed: 7)
        let (entry, token) = tokens.add(label: "relay-b", nowMs: 1, using: &rng)
        #expect(token.hasPrefix("rgf_") && token.count == 4 + 64)
        #expect(!tokens.fileText.contains(token))
        #expect(tokens.authenticate(token)?.id == entry.id)
        #expect(tokens.authenticate(token + "x") == nil)
        #expect(tokens.authenticate("") == nil)
        let reread = try FeedTokens(fileText: tokens.fileText)
        #expect(reread == tokens)
        let first = tokens.revoke(id: entry.id, nowMs: 2)
        let second = tokens.revoke(id: entry.id, nowMs: 3)
        #expect(first && !second)
        #expect(tokens.authenticate(token) == nil)
        #expect(!tokens.isActive(id: entry.id))
    }

    @Test func aDamagedTokenFileIsAnErrorNamingTheLine() {
        #expect(throws: ToolError.self) { try FeedTokens(fileText: "{\"id\":\"a\",\"sha256\":\"zz\"}\n") }
        do {
            _ = try FeedTokens(fileText: "\nnot json\n")
        } catch {
            #expect(error.message.contains("line 2"))
        }
    }
}
