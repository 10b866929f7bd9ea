"""Load generators for ``scripts/bench load`` (scripts/bench_load.py): wrk (with a Lua
script cycling through many requests) at full load, or a Python multi-process client
when wrk is missing; and a paced replay of a district event (requests spread over a
time window).

A request is (method, path, headers dict, body str or None).
"""
from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time

LUA = r"""
local requests = {}
local n = 0
local i = 0
local tid = 0
local counter = 0
function setup(thread) counter = counter + 1; thread:set("tid", counter) end
function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
  for line in io.lines(args[1]) do
    local method, path, auth, body = line:match("^(%S+)\t(%S+)\t(%S*)\t(.*)$")
    table.insert(requests, {method, path, auth, body})
  end
  n = #requests
  i = tid * 7919 % n
end
function request()
  i = i % n + 1
  local r = requests[i]
  local headers = {}
  local body = nil
  if r[3] ~= "" then headers["Authorization"] = "Bearer " .. r[3] end
  if r[1] == "POST" then
    counter = counter + 1
    local key = "k" .. tid .. "-" .. counter .. "-" .. math.random(1, 1000000000)
    headers["Content-Type"] = "application/json"
    headers["Idempotency-Key"] = key
    body = r[4]:gsub("UNIQUE", key)
  end
  return wrk.format(r[1], r[2], headers, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRKJSON {\"requests\":%d,\"seconds\":%f,\"p50\":%f,\"p99\":%f,\"socket_errors\":%d,\"status_errors\":%d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def ensure_wrk() -> str | None:
    """wrk's path; installed with apt-get when missing and running as root (else None)."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    policy = subprocess.run(["apt-cache", "policy", "wrk"], capture_output=True, text=True).stdout
    if "Candidate: (none)" in policy or "Candidate:" not in policy:
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True)
    return shutil.which("wrk")


def _lines(requests) -> str:
    out = []
    for method, path, headers, body in requests:
        auth = (headers or {}).get("Authorization", "").removeprefix("Bearer ")
        out.append(f"{method}\t{path}\t{auth}\t{body or ''}")
    return "\n".join(out) + "\n"


def wrk_run(wrk: str, base: str, requests, seconds: float, connections: int, threads: int) -> dict:
    folder = tempfile.mkdtemp(prefix="liaison-wrk-")
    try:
        script, listing = os.path.join(folder, "load.lua"), os.path.join(folder, "requests.tsv")
        with open(script, "w") as f:
            f.write(LUA)
        with open(listing, "w") as f:
            f.write(_lines(requests))
        out = subprocess.run([wrk, f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "5s",
                              "-s", script, base, "--", listing], capture_output=True, text=True,
                             timeout=seconds + 60).stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON "):])
    return {"rps": data["requests"] / data["seconds"], "p50_ms": data["p50"], "p99_ms": data["p99"],
            "errors": data["socket_errors"] + data["status_errors"], "requests": data["requests"]}


def _send(conn_box, host, port, method, path, headers, body):
    """One request on a kept-alive connection: (status or 0, seconds)."""
    headers = dict(headers or {})
    if body is not None:
        key = f"k{os.getpid()}-{threading.get_ident()}-{random.getrandbits(48)}"
        body = body.replace("UNIQUE", key).encode()
        headers.update({"Content-Type": "application/json", "Idempotency-Key": key})
    start = time.perf_counter()
    for attempt in range(2):
        try:
            if conn_box[0] is None:
                conn_box[0] = http.client.HTTPConnection(host, port, timeout=5)
            conn_box[0].request(method, path, body=body, headers=headers)
            response = conn_box[0].getresponse()
            response.read()
            return response.status, time.perf_counter() - start
        except (OSError, http.client.HTTPException):
            if conn_box[0] is not None:
                conn_box[0].close()
            conn_box[0] = None
            if attempt:
                return 0, time.perf_counter() - start
    return 0, time.perf_counter() - start


def _worker(args):
    host, port, requests, seconds, threads, seed = args
    rng = random.Random(seed)
    results, lock = [], threading.Lock()
    stop = time.perf_counter() + seconds

    def loop():
        box, mine = [None], []
        while time.perf_counter() < stop:
            mine.append(_send(box, host, port, *rng.choice(requests)))
        with lock:
            results.extend(mine)

    ts = [threading.Thread(target=loop) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results


def summarise(results, seconds: float) -> dict:
    times = sorted(t for _, t in results) or [0.0]
    errors = sum(1 for status, _ in results if not 200 <= status < 400)
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000  # noqa: E731
    return {"rps": len(results) / seconds, "p50_ms": pick(0.50), "p99_ms": pick(0.99), "errors": errors,
            "requests": len(results)}


def python_run(base: str, requests, seconds: float, connections: int, processes: int = 2) -> dict:
    host, port = base.split("//")[1].split(":")
    per = max(1, connections // processes)
    with mp.get_context("fork").Pool(processes) as pool:
        parts = pool.map(_worker, [(host, int(port), requests, seconds, per, i) for i in range(processes)])
    return summarise([r for part in parts for r in part], seconds)


def paced(base: str, schedule, workers: int = 64) -> dict:
    """Send each (offset seconds, request) at its offset (open loop) with a pool of
    kept-alive connections; the summary of every answer."""
    host, port = base.split("//")[1].split(":")
    port = int(port)
    schedule = sorted(schedule, key=lambda x: x[0])
    results, lock, index = [], threading.Lock(), [0]
    t0 = time.perf_counter() + 0.5

    def loop():
        box = [None]
        while True:
            with lock:
                if index[0] >= len(schedule):
                    return
                offset, request = schedule[index[0]]
                index[0] += 1
            delay = t0 + offset - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            status, took = _send(box, host, port, *request)
            with lock:
                results.append((request[0], status, took))

    ts = [threading.Thread(target=loop) for _ in range(workers)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.perf_counter() - t0
    out = {"all": summarise([(s, t) for _, s, t in results], elapsed), "seconds": elapsed}
    for method, name in (("GET", "scan"), ("POST", "submit")):
        out[name] = summarise([(s, t) for m, s, t in results if m == method], elapsed)
    return out
