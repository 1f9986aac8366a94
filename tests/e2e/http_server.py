#!/usr/bin/env python3
"""A small HTTP server on 127.0.0.1 for the live-check tests. Writes its port
to the file named by argv[1] and serves until killed:
/healthz 200, /metrics 200 Prometheus text, /broken 500, /plain 200 with no
'# TYPE' line, /hang never answers within a test's timeout."""
import http.server
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        routes = {
            "/healthz": (200, "ok\n"),
            "/metrics": (200, "# HELP app_up Whether the app is up.\n# TYPE app_up gauge\napp_up 1\n"),
            "/broken": (500, "internal error\n"),
            "/plain": (200, "hello\n"),
        }
        if self.path == "/hang":
            time.sleep(30)
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
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
