/// The texts rg-auth sends. Pure: links are built from the configured site URL and a raw
/// token passed in; nothing here stores or logs the token.
public struct AuthMail: Sendable {
    public var from: String
    public var siteURL: String
    public var product = "ReserveGrid"

    public init(from: String, siteURL: String) {
        self.from = from
        self.siteURL = siteURL.hasSuffix("/") ? String(siteURL.dropLast()) : siteURL
    }

    public func link(_ path: String, token: String? = nil) -> String {
        siteURL + path + (token.map { "?token=\($0)" } ?? "")
    }

    public func verify(to: String, name: String, token: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "\(product): confirm your e-mail address", body: """
            Hello \(name),

            someone (hopefully you) registered an operator account with this address.
            Confirm the address within 7 days by opening:

            \(link("/verify", token: token))

            After that an administrator approves the account. If this was not you, ignore this mail.
            """)
    }

    public func alreadyRegistered(to: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "\(product): registration attempt", body: """
            Someone tried to register a new account with this address, which already has one.
            Nothing was changed. If you forgot your password, reset it at:

            \(link("/forgot"))
            """)
    }

    public func approvalRequest(to: String, user: StoredUser, approveToken: String, denyToken: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "\(product): approve \(user.email)?", body: """
            A new account confirmed its e-mail address and waits for approval:

              name:   \(user.name)
              e-mail: \(user.email)
              org:    \(user.org)

            Approve: \(link("/approve", token: approveToken))
            Deny:    \(link("/deny", token: denyToken))

            Both links open a confirmation page and stay valid for 7 days. Admins can also decide on the Users page.
            """)
    }

    public func approved(to: String, name: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "\(product): your account was approved", body: """
            Hello \(name),

            your account was approved. Sign in at \(link("/login")).
            """)
    }

    public func denied(to: String, name: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "\(product): your account request", body: """
            Hello \(name),

            your account request was not approved.
            """)
    }

    public func passwordReset(to: String, token: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "\(product): reset your password", body: """
            Someone asked to reset the password of this account. The link works once, within one hour:

            \(link("/reset", token: token))

            Resetting signs out every session. If this was not you, ignore this mail.
            """)
    }

    public func passwordChanged(to: String) -> MailMessage {
        MailMessage(from: from, to: to, subject: "\(product): your password was changed", body: """
            The password of this account was changed and every session was signed out.
            If this was not you, reset it at \(link("/forgot")) and tell your administrator.
            """)
    }
}
