"""A static host that sends the headers a built site's `_headers` file asks for, as Netlify and
Cloudflare Pages do: for each request, every rule whose path pattern (`*` matching anything)
matches adds its headers. Files without a Content-Type rule get Python's guess.

Usage: python3 static_host.py SITE_DIR PORT
Run by generator/tests/validators.rs, which points Schemathesis at it.
"""

import http.server
import os
import re
import sys

SITE, PORT = sys.argv[1], int(sys.argv[2])


def rules():
    out, current = [], None
    with open(os.path.join(SITE, "_headers"), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            if not line[0].isspace():
                current = (re.compile("^" + ".*".join(map(re.escape, line.strip().split("*"))) + "$"), [])
                out.append(current)
            else:
                name, value = line.strip().split(":", 1)
                current[1].append((name.strip(), value.strip()))
    return out


RULES = rules()


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=SITE, **kwargs)

    def log_message(self, *args):
        pass

    def refuse(self):
        """Any method but GET and HEAD: 405, as static hosts answer."""
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def __getattr__(self, name):
        # Called for methods the handler lacks (POST, TRACE, QUERY…).
        if name.startswith("do_"):
            return self.refuse
        raise AttributeError(name)

    def end_headers(self):
        path = self.path.split("?", 1)[0]
        for pattern, headers in RULES:
            if pattern.match(path):
                for name, value in headers:
                    if name.lower() != "content-type":
                        self.send_header(name, value)
        super().end_headers()

    def guess_type(self, path):
        url = "/" + os.path.relpath(path, SITE).replace(os.sep, "/")
        for pattern, headers in RULES:
            if pattern.match(url):
                for name, value in headers:
                    if name.lower() == "content-type":
                        return value
        return super().guess_type(path)


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
