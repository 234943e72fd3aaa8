#!/usr/bin/env python3
"""Records requests as the aws CLI itself sends them, for aws_cli_captured.inc.

Listens on 127.0.0.1:47123, answers every POST with an empty ListStateMachines result, and
writes each request (method, target, headers in order, body) as a C++ initialiser to stdout.
Run it, then in another shell (fixed test credentials, nothing of the user's is read):

  export AWS_ACCESS_KEY_ID=AKIASETTLEDCLI000001 AWS_DEFAULT_REGION=eu-central-1 \
         AWS_SECRET_ACCESS_KEY='cli/Secret+Key0123456789abcdefghijklmnop' \
         AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  aws stepfunctions list-state-machines --endpoint-url http://127.0.0.1:47123 --max-results 5
  aws stepfunctions start-execution --endpoint-url http://127.0.0.1:47123 \
      --state-machine-arn arn:aws:states:eu-central-1:123456789012:stateMachine:pay \
      --name "run ü 1" --input '{"amount": 5, "note": "caf\\u00e9"}'

The signatures are only valid within 5 minutes of their X-Amz-Date: the test verifies them at
that time.
"""
import http.server
import sys


def cpp(text):
    out = '"'
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '"\\':
            out += "\\" + ch
        elif 32 <= byte < 127:
            out += ch
        else:
            out += '\\x%02x""' % byte
    return out + '"'


class Capture(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        headers = ", ".join("{%s, %s}" % (cpp(k), cpp(v)) for k, v in self.headers.items())
        print("{%s, %s, {%s}, %s}," % (cpp(self.command), cpp(self.path), headers, cpp(body)),
              flush=True)
        out = b'{"stateMachines":[]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    http.server.HTTPServer(("127.0.0.1", 47123), Capture).serve_forever()
