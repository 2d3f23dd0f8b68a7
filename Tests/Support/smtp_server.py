#!/usr/bin/env python3
"""A real SMTP server on loopback for the mail tests (aiosmtpd): STARTTLS with the given
certificate is required before anything else, and AUTH (PLAIN/LOGIN) only after TLS, checked
against --user/--password-file. Each accepted message is written to --out as N.eml with the
envelope in N.json. Prints "port N" once listening; stops when stdin closes."""
import argparse, json, os, socket, ssl, sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password-file", required=True)
    a = p.parse_args()
    password = open(a.password_file, encoding="utf-8").read().strip().encode()
    os.makedirs(a.out, exist_ok=True)

    class Handler:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Handler.count += 1
            base = os.path.join(a.out, str(Handler.count))
            with open(base + ".eml.tmp", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            with open(base + ".json", "w") as f:
                json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                           "tls": session.ssl is not None, "authenticated": bool(session.authenticated)}, f)
            os.rename(base + ".eml.tmp", base + ".eml")
            return "250 Message accepted for delivery"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == a.user.encode() and auth_data.password == password
        return AuthResult(success=ok, handled=False)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(a.cert, a.key)
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_required=True, auth_require_tls=True)
    controller.start()
    print("port", port, flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
