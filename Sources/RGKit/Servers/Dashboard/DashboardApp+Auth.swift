import Hummingbird

/// Sign-in, registration, e-mail verification, approval links, password reset, sign-out.
extension DashboardApp {
    func addAuthPages(_ router: Router<ClientRequestContext>) {
        router.get("login") { request, _ in
            let visitor = try await self.visitor(request)
            if visitor.user != nil { return Response.redirect(to: "/") }
            return self.page("login", [:], visitor, title: "Sign in")
        }
        router.post("login") { request, context in
            let visitor = try await self.visitor(request)
            let form = FormData(try await HTTPBody.collect(request))
            guard self.csrfValid(form, visitor, request) else { return self.csrfRefused(visitor) }
            if let retry = self.limited("login", request, context) { return self.tooMany(visitor, retryAfterMs: retry) }
            switch try await self.auth.login(email: form["email"] ?? "", password: form["password"] ?? "") {
            case .success(let session):
                var response = Response.redirect(to: "/")
                response.setCookie(self.cookie(Self.sessionCookie, session.token, maxAge: Int(self.auth.configuration.sessionLifetimeMs / 1000)))
                return response
            case .failure(let f):
                return self.page("login", ["error": f.detail, "email": form["email"] ?? ""], visitor, title: "Sign in", status: .init(code: f.httpStatus))
            }
        }

        router.post("logout") { request, _ in
            let visitor = try await self.visitor(request)
            let form = FormData(try await HTTPBody.collect(request))
            guard self.csrfValid(form, visitor, request) else { return self.csrfRefused(visitor) }
            if let token = visitor.sessionToken { try await self.auth.logout(token: token) }
            var response = Response.redirect(to: "/login")
            response.setCookie(self.cookie(Self.sessionCookie, "", maxAge: 0))
            return response
        }

        router.get("register") { request, _ in
            self.page("register", [:], try await self.visitor(request), title: "Register")
        }
        router.post("register") { request, context in
            let visitor = try await self.visitor(request)
            let form = FormData(try await HTTPBody.collect(request))
            guard self.csrfValid(form, visitor, request) else { return self.csrfRefused(visitor) }
            if let retry = self.limited("register", request, context) { return self.tooMany(visitor, retryAfterMs: retry) }
            switch try await self.auth.register(email: form["email"] ?? "", name: form["name"] ?? "", org: form["org"] ?? "", password: form["password"] ?? "") {
            case .success:
                return self.message(visitor, heading: "Check your mail", text: "Registration successful. Check your email to verify.")
            case .failure(let f):
                return self.page("register", ["error": f.detail, "email": form["email"] ?? "", "name": form["name"] ?? "", "org": form["org"] ?? ""],
                                 visitor, title: "Register", status: .badRequest)
            }
        }

        // Links from mail open a page whose button posts: a mail scanner's GET spends nothing.
        router.get("verify") { request, _ in
            self.page("verify", ["token": request.query("token") ?? ""], try await self.visitor(request), title: "Confirm e-mail")
        }
        router.post("verify") { request, context in
            let visitor = try await self.visitor(request)
            let form = FormData(try await HTTPBody.collect(request))
            guard self.csrfValid(form, visitor, request) else { return self.csrfRefused(visitor) }
            if let retry = self.limited("verify", request, context) { return self.tooMany(visitor, retryAfterMs: retry) }
            switch try await self.auth.verify(token: form["token"] ?? "") {
            case .success:
                return self.message(visitor, heading: "Address confirmed", text: "Email verified. An administrator will review your account.")
            case .failure(let f):
                return self.message(visitor, heading: "Link not valid", text: f.detail, status: .badRequest)
            }
        }

        for (path, approve) in [("approve", true), ("deny", false)] {
            router.get(RouterPath(stringLiteral: path)) { request, context in
                let visitor = try await self.visitor(request)
                if let retry = self.limited("approve", request, context) { return self.tooMany(visitor, retryAfterMs: retry) }
                let token = request.query("token") ?? ""
                guard let found = try await self.auth.peekDecision(token: token), found.kind == (approve ? .approve : .deny) else {
                    return self.message(visitor, heading: "Link not valid", text: AuthFailure.invalidToken.detail, status: .badRequest)
                }
                return self.page("decision", ["verb": approve ? "Approve" : "Deny", "name": found.user.name, "email": found.user.email,
                                              "org": found.user.org, "token": token, "action": "/\(path)"], visitor, title: approve ? "Approve" : "Deny")
            }
            router.post(RouterPath(stringLiteral: path)) { request, context in
                let visitor = try await self.visitor(request)
                let form = FormData(try await HTTPBody.collect(request))
                guard self.csrfValid(form, visitor, request) else { return self.csrfRefused(visitor) }
                if let retry = self.limited("approve", request, context) { return self.tooMany(visitor, retryAfterMs: retry) }
                switch try await self.auth.decide(token: form["token"] ?? "", approve: approve) {
                case .success(let user):
                    return self.message(visitor, heading: approve ? "Approved" : "Denied", text: "\(user.email) is now \(user.status.rawValue).")
                case .failure(let f):
                    return self.message(visitor, heading: "Not done", text: f.detail, status: .init(code: f.httpStatus))
                }
            }
        }

        router.get("forgot") { request, _ in self.page("forgot", [:], try await self.visitor(request), title: "Forgot password") }
        router.post("forgot") { request, context in
            let visitor = try await self.visitor(request)
            let form = FormData(try await HTTPBody.collect(request))
            guard self.csrfValid(form, visitor, request) else { return self.csrfRefused(visitor) }
            if let retry = self.limited("forgot_password", request, context) { return self.tooMany(visitor, retryAfterMs: retry) }
            try await self.auth.forgotPassword(email: form["email"] ?? "")
            return self.message(visitor, heading: "Check your mail", text: "If that address has an account, a reset link is on its way.")
        }
        router.get("reset") { request, _ in
            self.page("reset", ["token": request.query("token") ?? ""], try await self.visitor(request), title: "New password")
        }
        router.post("reset") { request, context in
            let visitor = try await self.visitor(request)
            let form = FormData(try await HTTPBody.collect(request))
            guard self.csrfValid(form, visitor, request) else { return self.csrfRefused(visitor) }
            if let retry = self.limited("reset_password", request, context) { return self.tooMany(visitor, retryAfterMs: retry) }
            switch try await self.auth.resetPassword(token: form["token"] ?? "", password: form["password"] ?? "") {
            case .success:
                return self.message(visitor, heading: "Password updated", text: "Password updated. Sign in again.", link: ("/login", "Sign in"))
            case .failure(let f):
                return self.page("reset", ["token": form["token"] ?? "", "error": f.detail], visitor, title: "New password", status: .badRequest)
            }
        }
    }
}
