"""A small OpenID Connect provider for the tests, like the national e-ID's: discovery, authorize (approves the
person the test chose), token (authorization code + PKCE S256, each code once, short-lived), JWKS with an RS256
key generated at start. A werkzeug WSGI app served on a loopback port in a thread: the site talks to it over real
HTTP, as it would to the real provider."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

CLIENT_ID = "lang-nghe-test"
CLIENT_SECRET = "test-client-secret-for-the-loopback-provider"


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    method: str
    claims: dict[str, Any]
    issued_at: float
    used: bool = False


@dataclass
class Provider:
    """Set `person` (the claims of whoever approves the next sign-in) before sending a browser to authorize."""

    issuer: str = ""
    person: dict[str, Any] = field(default_factory=dict)
    code_lifetime: float = 60.0
    sign_with_foreign_key: bool = False
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig", "alg": "RS256"})
        self.foreign_key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1"})
        self.lock = threading.Lock()

    def reset(self) -> None:
        with self.lock:
            self.person = {}
            self.code_lifetime = 60.0
            self.sign_with_foreign_key = False
            self.grants.clear()
            self.token_requests.clear()

    # ---- WSGI -----------------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        route = {
            "/.well-known/openid-configuration": self.discovery,
            "/authorize": self.authorize,
            "/token": self.token,
            "/jwks": self.jwks,
        }.get(request.path)
        response = route(request) if route else Response("not found", status=404)
        return response(environ, start_response)

    def discovery(self, request: Request) -> Response:
        return json_response(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }
        )

    def jwks(self, request: Request) -> Response:
        return json_response(KeySet([self.key]).as_dict(private=False))

    def authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return Response("unknown client", status=400)
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return Response("PKCE required", status=400)
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.grants[code] = Grant(
                client_id=CLIENT_ID,
                redirect_uri=args["redirect_uri"],
                nonce=args.get("nonce", ""),
                challenge=args["code_challenge"],
                method=args["code_challenge_method"],
                claims=dict(self.person),
                issued_at=time.time(),
            )
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def token(self, request: Request) -> Response:
        form = request.form
        self.token_requests.append(dict(form))
        auth = request.authorization
        if auth is None or auth.username != CLIENT_ID or auth.password != CLIENT_SECRET:
            return json_response({"error": "invalid_client"}, status=401)
        with self.lock:
            grant = self.grants.get(form.get("code", ""))
            if grant is None or grant.used:
                return json_response({"error": "invalid_grant", "error_description": "code unknown or used"}, 400)
            grant.used = True
        if time.time() - grant.issued_at > self.code_lifetime:
            return json_response({"error": "invalid_grant", "error_description": "code expired"}, 400)
        if form.get("redirect_uri") != grant.redirect_uri:
            return json_response({"error": "invalid_grant", "error_description": "redirect_uri"}, 400)
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or digest != grant.challenge:
            return json_response({"error": "invalid_grant", "error_description": "PKCE verifier"}, 400)
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": grant.nonce}
        claims |= grant.claims
        key = self.foreign_key if self.sign_with_foreign_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key-1"}, claims, key)
        return json_response(
            {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )


def json_response(data: Any, status: int = 200) -> Response:
    import json

    return Response(json.dumps(data), status=status, mimetype="application/json")


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass  # the test output stays readable


class Running:
    def __init__(self) -> None:
        self.provider = Provider()
        self.server = make_server("127.0.0.1", 0, self.provider, threaded=True, request_handler=QuietHandler)
        self.provider.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
