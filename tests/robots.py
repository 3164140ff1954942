"""A local stand-in for the WeCom and DingTalk group robots: a real HTTP server on 127.0.0.1.

It answers as the robots do (HTTP 200 with an errcode), checks a DingTalk signature the way
DingTalk documents it (timestamp within an hour, HMAC-SHA256 of "timestamp\\nsecret"), and can
be told to fail: `script(n, path, credential)` returns None to accept the n-th request
(counting from 1), or a failure: an HTTP status, a robot errcode, or "hang" (no answer before
the client's timeout; the message is then not accepted, as with a robot that never got it).
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.conftest import free_port

# A robot whose credential the server knows to be revoked (while it is in `RobotServer.revoked`):
# it answers 93000 (WeCom) or 300001 (DingTalk).
REVOKED = "revoked"


class RobotServer:
    def __init__(self, script=None, secrets=None, hang_seconds=3):
        self.port = free_port()
        self.script = script or (lambda n, path, credential: None)
        self.revoked = {REVOKED}
        self.secrets = secrets or {}  # access_token → DingTalk secret
        self.hang_seconds = hang_seconds
        self.accepted = []  # (credential, body) of each message accepted
        self.requests = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, kind, credential):
        if kind == "wecom":
            return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key={credential}"
        return f"http://127.0.0.1:{self.port}/robot/send?access_token={credential}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self):
        with self.lock:
            return [body for _credential, body in self.accepted]

    def answer(self, path, query, body):
        """(status, reply) for one request; records it when accepted."""
        with self.lock:
            self.requests += 1
            n = self.requests
        wecom = path == "/cgi-bin/webhook/send"
        credential = query.get("key" if wecom else "access_token", [""])[0]
        failure = self.script(n, path, credential)
        if failure == "hang":
            time.sleep(self.hang_seconds)
            return 504, b""
        if isinstance(failure, int) and failure >= 100 and failure < 600:
            return failure, b"<html>error</html>"
        if isinstance(failure, int):
            return 200, _reply(failure, "scripted failure")
        if credential in self.revoked:
            return 200, _reply(93000 if wecom else 300001, "invalid webhook url / token")
        if not wecom and credential in self.secrets:
            problem = _signature_problem(query, self.secrets[credential])
            if problem:
                return 200, _reply(310000, problem)
        message = json.loads(body)
        if message.get("msgtype") != "markdown":
            return 200, _reply(40008, "invalid message type")
        with self.lock:
            self.accepted.append((credential, message))
        return 200, _reply(0, "ok")

    def _handler(self):
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if parts.path not in ("/cgi-bin/webhook/send", "/robot/send"):
                    status, reply = 404, b"not found"
                else:
                    status, reply = robot.answer(parts.path, parse_qs(parts.query), body)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:  # the client gave up waiting (a "hang")
                    pass

            def log_message(self, *args):
                pass

        return Handler


def _reply(errcode, errmsg):
    return json.dumps({"errcode": errcode, "errmsg": errmsg}).encode()


def _signature_problem(query, secret):
    """What DingTalk would say of the request's `timestamp` and `sign`, or None if they hold."""
    timestamp = query.get("timestamp", [""])[0]
    sign = query.get("sign", [""])[0]  # parse_qs has URL-decoded it once already
    if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600_000:
        return "invalid timestamp"
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    return None if hmac.compare_digest(sign, expected) else "sign not match"

