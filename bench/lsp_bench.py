#!/usr/bin/env python3
"""Editor latency: `gofix lsp` against gopls on the same file and the same edits.

A generated Go module holds one file of about 2,000 lines (functions that use contexts,
HTTP, timers and goroutines; it builds and vets clean). Each server opens it, then takes
--edits edits, alternately inserting a line that both servers report
(`_, _ = context.WithTimeout(ctx, time.Second)`: gofix's lost-cancel, gopls's lostcancel
analyzer) into a function and deleting it again. The latency of an edit is the time from
sending `textDocument/didChange` to the first `publishDiagnostics` for the file that shows
the edit's effect (a diagnostic on the inserted line, or none any more). gofix runs with
its debounce at 0 and gopls with `diagnosticsDelay` 0, so neither waits on purpose.

Also measured, for the issue's second target: gofix's full re-analysis of the file (what
`gofix check --no-cache` does for it, in process), as the reference the edit latency is
compared with. And gofix's code actions (--actions of them): a line whose leak has a fix
(`c2, _ := context.WithTimeout(ctx, time.Second)`) is inserted at the top of a function and
a `textDocument/codeAction` for it sent at once, from a client without `codeAction/resolve`:
the answer holds the quick fix and the fix-all edit, so it costs the edit's analysis and the
fix-all; the time is until the answer arrives.

    python bench/lsp_bench.py                 # gopls from PATH or $(go env GOPATH)/bin
    python bench/lsp_bench.py --edits 60 --gopls /path/to/gopls

Install gopls through the Go module proxy: `go install golang.org/x/tools/gopls@latest`.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEAK = "\t_, _ = context.WithTimeout(ctx, time.Second)\n"
FIXABLE = "\tc2, _ := context.WithTimeout(ctx, time.Second)\n\tfmt.Println(c2)\n"  # its fix: defer cancel2()


def generate(functions: int = 100) -> str:
    """A Go file of about 20 lines per function, clean for go vet and for gofix."""
    parts = [
        "package main\n\n",
        'import (\n\t"context"\n\t"fmt"\n\t"io"\n\t"net/http"\n\t"sync"\n\t"time"\n)\n\n',
    ]
    for i in range(functions):
        parts.append(
            f"// fetch{i} downloads url with a deadline and counts the bytes.\n"
            f"func fetch{i}(ctx context.Context, c *http.Client, url string) (int64, error) {{\n"
            f"\tctx, cancel := context.WithTimeout(ctx, {i + 1}*time.Millisecond)\n"
            "\tdefer cancel()\n"
            "\treq, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)\n"
            "\tif err != nil {\n\t\treturn 0, err\n\t}\n"
            "\tresp, err := c.Do(req)\n"
            "\tif err != nil {\n\t\treturn 0, err\n\t}\n"
            "\tdefer resp.Body.Close()\n"
            "\tvar wg sync.WaitGroup\n"
            "\tvar n int64\n"
            "\twg.Add(1)\n"
            "\tgo func() {\n\t\tdefer wg.Done()\n\t\tn, err = io.Copy(io.Discard, resp.Body)\n\t}()\n"
            "\twg.Wait()\n"
            f'\tfmt.Println("fetch{i}", n)\n'
            "\treturn n, err\n"
            "}\n\n"
        )
    parts.append("func main() {\n")
    for i in range(functions):
        parts.append(f'\t_, _ = fetch{i}(context.Background(), http.DefaultClient, "")\n')
    parts.append("}\n")
    return "".join(parts)


class Client:
    """A small LSP client over a subprocess's stdio: requests, notifications, and a queue of
    the server's publishDiagnostics, each stamped with the time it arrived."""

    def __init__(self, cmd: list[str], cwd: Path, settings: dict) -> None:
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.settings = settings
        self.next_id = 0
        self.responses: dict[int, queue.Queue] = {}
        self.diagnostics: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, msg: dict) -> None:
        body = json.dumps(msg).encode()
        with self.lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length) if length else b""
            if not body:
                return  # the server has exited
            msg = json.loads(body)
            now = time.perf_counter()
            if "id" in msg and "method" in msg:  # a request from the server
                self._answer(msg)
            elif "id" in msg:
                self.responses.setdefault(msg["id"], queue.Queue()).put(msg)
            elif msg.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics.put((now, msg["params"]))

    def _answer(self, msg: dict) -> None:
        result = None
        if msg["method"] == "workspace/configuration":
            result = [self.settings for _ in msg["params"]["items"]]
        self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def request(self, method: str, params: dict, timeout: float = 120) -> dict:
        self.next_id += 1
        rid = self.next_id
        q = self.responses.setdefault(rid, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return q.get(timeout=timeout)

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri: str, done, timeout: float = 60) -> float:
        """The arrival time of the first publishDiagnostics for uri that satisfies done."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no matching diagnostics for {uri} within {timeout}s")
            at, params = self.diagnostics.get(timeout=left)
            if params["uri"] == uri and done(params["diagnostics"]):
                return at

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def on_line(line: int):
    return lambda diags: any(d["range"]["start"]["line"] == line for d in diags)


def not_on_line(line: int):
    return lambda diags: not any(d["range"]["start"]["line"] == line for d in diags)


def code_actions(c: Client, uri: str, text: str, version: int, count: int) -> list[float]:
    """Milliseconds from inserting FIXABLE to the answer of a codeAction request for its line
    (sent right after the change, without waiting for diagnostics), count times; each insert
    is undone before the next one."""
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if ln.startswith("func fetch")]
    out = []
    for k in range(count):
        line = starts[(k * 7) % len(starts)] + 1
        at = {"line": line, "character": 0}
        version += 1
        sent = time.perf_counter()
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                            "contentChanges": [{"range": {"start": at, "end": at}, "text": FIXABLE}]})
        span = {"start": {"line": line, "character": 10}, "end": {"line": line, "character": 47}}
        answer = c.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": span,
                                                        "context": {"diagnostics": []}})
        out.append((time.perf_counter() - sent) * 1000)
        kinds = sorted(a.get("kind", "") for a in answer.get("result") or [])
        if kinds != ["quickfix", "source.fixAll.gofix"]:
            raise RuntimeError(f"unexpected code actions {kinds}")
        version += 1
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
            {"range": {"start": at, "end": {"line": line + 2, "character": 0}}, "text": ""}]})
        c.wait_diagnostics(uri, not_on_line(line))
    return out


def run_server(name: str, cmd: list[str], module: Path, text: str, edits: int,
               init_options: dict, settings: dict, actions: int = 0) -> tuple[list[float], list[float]]:
    uri = (module / "main.go").as_uri()
    c = Client(cmd, module, settings)
    try:
        c.request("initialize", {
            "processId": os.getpid(), "rootUri": module.as_uri(),
            "workspaceFolders": [{"uri": module.as_uri(), "name": "bench"}],
            "capabilities": {"workspace": {"configuration": True},
                             "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
            "initializationOptions": init_options,
        })
        c.notify("initialized", {})
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "go", "version": 1, "text": text}})
        c.wait_diagnostics(uri, lambda d: True, timeout=300)
        time.sleep(2)  # let a server that works in waves finish its first one
        while not c.diagnostics.empty():
            c.diagnostics.get()
        lines = text.splitlines()
        starts = [i for i, ln in enumerate(lines) if ln.startswith("\tdefer cancel()")]
        latencies = []
        version = 1
        for k in range(edits):
            line = starts[(k // 2 * 7) % len(starts)] + 1  # the line after `defer cancel()`
            insert = k % 2 == 0
            version += 1
            change = ({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                       "text": LEAK} if insert else
                      {"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}},
                       "text": ""})
            sent = time.perf_counter()
            c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                "contentChanges": [change]})
            got = c.wait_diagnostics(uri, on_line(line) if insert else not_on_line(line))
            latencies.append((got - sent) * 1000)
            time.sleep(0.05)
        return latencies, code_actions(c, uri, text, version, actions) if actions else []
    finally:
        c.close()


def full_analysis_ms(text: str, module: Path, runs: int = 7) -> float:
    """gofix's in-process analysis of the whole file (parse and every rule), the median."""
    from gofix import engine

    path = module / "main.go"
    options = engine.Options()
    info = engine.module_info(path, options)
    src = text.encode()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        engine.analyze(str(path), src, info, options)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def find_gopls(given: str | None) -> str | None:
    if given:
        return given
    found = shutil.which("gopls")
    if found:
        return found
    go = shutil.which("go")
    if go:
        gopath = subprocess.run([go, "env", "GOPATH"], capture_output=True, text=True).stdout.strip()
        cand = Path(gopath) / "bin" / "gopls"
        if cand.exists():
            return str(cand)
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--functions", type=int, default=78, help="size of the file (about 20 lines each)")
    ap.add_argument("--gopls", help="path of the gopls binary")
    ap.add_argument("--actions", type=int, default=20, help="gofix code action requests to time (0: none)")
    args = ap.parse_args()

    text = generate(args.functions)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="gofix-lsp-bench-") as tmp:
        module = Path(tmp)
        (module / "go.mod").write_text("module benchlsp\n\ngo 1.22\n")
        (module / "main.go").write_text(text)
        nlines = text.count("\n")
        rows = {}
        gofix_cmd = [sys.executable, "-m", "gofix", "lsp"]
        rows["gofix lsp"], actions = run_server("gofix", gofix_cmd, module, text, args.edits,
                                                {"debounceMs": 0}, {"debounceMs": 0}, args.actions)
        gopls = find_gopls(args.gopls)
        if gopls:
            opts = {"diagnosticsDelay": "0s"}
            rows["gopls"], _ = run_server("gopls", [gopls], module, text, args.edits, opts, opts)
        full = full_analysis_ms(text, module)

    print(f"{nlines}-line file, {args.edits} edits (debounce 0); load average (1 min) "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores\n")
    print("| server | p50 ms | p95 ms |\n| --- | ---: | ---: |")
    for name, lat in rows.items():
        print(f"| {name} | {pct(lat, 50):.0f} | {pct(lat, 95):.0f} |")
    if actions:
        print(f"| gofix code action after an edit (quick fix and fix-all, {len(actions)} requests) "
              f"| {pct(actions, 50):.0f} | {pct(actions, 95):.0f} |")
    print(f"\ngofix full re-analysis of the file (in process, median): {full:.0f} ms")
    g = rows["gofix lsp"]
    print(f"gofix p95 / its full re-analysis: {pct(g, 95) / full:.2f} (target < 0.40)")
    if "gopls" in rows:
        print(f"gofix p95 / gopls p95: {pct(g, 95) / pct(rows['gopls'], 95):.2f} (target <= 1.0)")
    else:
        print("gopls not found: install it with `go install golang.org/x/tools/gopls@latest`")


if __name__ == "__main__":
    main()
