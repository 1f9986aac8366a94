#!/usr/bin/env python3
"""An HTTPS server on 127.0.0.1 for the release tests' live checks over TLS:
argv: PORT_FILE CERT KEY. Writes its port to PORT_FILE and serves until
killed: /healthz 200, /metrics 200 Prometheus text, anything else 404."""
import http.server
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        routes = {
            "/healthz": (200, "ok\n"),
            "/metrics": (200, "# HELP app_up Whether the app is up.\n# TYPE app_up gauge\napp_up 1\n"),
        }
        status, body = routes.get(self.path, (404, "not found\n"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
