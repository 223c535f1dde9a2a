#!/usr/bin/env python3
"""What the GitHub API calls add to a run, on loopback: the binary against one local server that
answers the relay and the API (two pages of jobs and the run), without and with github_token,
interleaved so that machine load hits both alike. Usage: bench/api-latency.py BINARY (N=runs)."""
import http.server, json, os, statistics, subprocess, sys, threading, time
BIN = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, body, extra=()):
        # One write per answer: headers and body apart would meet Nagle and delayed ACKs (40 ms).
        b = json.dumps(body).encode()
        head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n" % len(b)
        head += "".join(f"{k}: {v}\r\n" for k, v in extra) + "\r\n"
        self.wfile.write(head.encode() + b)
    def do_GET(self):
        p = self.path
        if p.endswith("/jobs?per_page=100"):
            self.send({"total_count": 4, "jobs": [{"name": f"j{i}", "status": "completed", "conclusion": "success", "html_url": "https://x/1"} for i in range(2)]},
                      [("link", '</repos/o/r/actions/runs/1/jobs?per_page=100&page=2>; rel="next"')])
        elif "page=2" in p:
            self.send({"total_count": 4, "jobs": [{"name": f"k{i}", "status": "completed", "conclusion": "failure", "html_url": "https://x/2"} for i in range(2)]})
        else:
            self.send({"run_started_at": "2024-06-11T09:14:09Z"})
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send({"code": 0})
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{srv.server_address[1]}"
base = {"PATH": "/usr/bin:/bin", "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "1",
        "GITHUB_API_URL": url, "INPUT_KDOCS_TOKEN": "t", "INPUT_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=h",
        "INPUT_KDOCS_API_URL": url, "ACTION_JOB_STATUS": "success"}
def one(env):
    t = time.perf_counter(); r = subprocess.run([BIN], env=env, capture_output=True); d = time.perf_counter() - t
    assert r.returncode == 0, r.stderr
    return d * 1000
a, b = [], []
tok = {**base, "INPUT_GITHUB_TOKEN": "ghs_x"}
for _ in range(int(os.environ.get("N", "100"))):  # interleaved, so that load hits both alike
    a.append(one(base)); b.append(one(tok))
q = lambda xs, f: sorted(xs)[int(len(xs) * f)]
for name, f in [("min", 0.0), ("p25", 0.25), ("median", 0.5)]:
    print(f"{name}: no token {q(a, f):.2f} ms, with github_token {q(b, f):.2f} ms, added {q(b, f) - q(a, f):.2f} ms")
