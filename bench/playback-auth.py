#!/usr/bin/env python3
"""Measures what playback authorization costs when serving an HLS segment.

Rewind serves the same media segment (one of a ~6 s H.264/AAC test broadcast published once at
the start) to wrk with keep-alive, in alternating rounds: authorized, Rewind as it runs in
production with a playback token in the query (`?token=<jwt>`, checked on every request), and as
the baseline, unauthorized, the same Rewind started with
`--rewind.bench.skip-playback-authorization=true` and the URL without a token. Each round restarts
Rewind on the same work directory, runs a wrk warm-up and then the measured run.

It prints, per round, requests per second, wrk's mean latency and the count of non-2xx responses
(any is an error), then the mean requests per second per mode and their ratio. Goal: authorized
at >= 95 % of unauthorized.

usage: bench/playback-auth.py [-d SECONDS] [-w SECONDS] [-c CONNECTIONS] [-t THREADS] [-r ROUNDS]
                              [-k] [--work DIR]
Needs wrk, ffmpeg with libx264, java, and app/target/rewind.jar.
"""
import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "app/target/rewind.jar")
SKIP_FLAG = "--rewind.bench.skip-playback-authorization=true"
GOAL = 0.95

running_wrk = None  # the wrk being run, so that an interrupt stops it too


# ------------------------------------------------------------------------------------------
# Processes


def children():
    kids = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = open(f"/proc/{pid}/stat").read()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(pid))
    return kids


def tree(*roots):
    kids, out, queue = children(), [], [r for r in roots if r]
    while queue:
        pid = queue.pop()
        out.append(pid)
        queue.extend(kids.get(pid, []))
    return out


def alive(pid):
    """True while the process runs; an exited child not yet waited for (a zombie) is gone."""
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop(pids):
    for pid in pids:
        try:
            os.kill(pid, 15)
        except OSError:
            pass
    deadline = time.time() + 30
    while time.time() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    for pid in pids:
        try:
            os.kill(pid, 9)
        except OSError:
            pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer of its own here, as it is to wrk


HTTP = urllib.request.build_opener(NoRedirect)


def status(url):
    """The status code of a GET (no redirect followed) and its body."""
    try:
        with HTTP.open(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Rewind:
    """One run of the jar on the work directory, from start-up (API token printed) to stop."""

    def __init__(self, work, jar, name, skip_authorization=False):
        self.dir = os.path.join(work, "rewind")  # the same every start: one PostgreSQL extraction
        os.makedirs(self.dir, exist_ok=True)
        self.port, self.rtmp, rtmps = free_port(), free_port(), free_port()
        self.log = os.path.join(work, f"rewind-{name}.log")
        self.postgres = None
        self.proc = subprocess.Popen(
            ["java", *os.environ.get("JAVA_OPTS", "").split(), "-jar", jar,
             f"--server.port={self.port}", f"--rewind.ingest.rtmp-port={self.rtmp}",
             f"--rewind.ingest.rtmps-port={rtmps}", *([SKIP_FLAG] if skip_authorization else [])],
            cwd=self.dir, stdout=open(self.log, "wb"), stderr=subprocess.STDOUT)
        try:
            self.token = self.wait_token()
        except BaseException:
            self.stop()
            raise
        pidfile = os.path.join(self.dir, "data/postgres/cluster/postmaster.pid")
        if os.path.exists(pidfile):
            self.postgres = int(open(pidfile).readline())
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_token(self):
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("rewind exited during start-up: see " + self.log)
            found = re.findall(r"export REWIND_TOKEN=(\S+)", self.text())
            if found:
                return found[-1]
            time.sleep(0.5)
        raise RuntimeError("rewind printed no API token within 180 s: see " + self.log)

    def text(self):
        return open(self.log, errors="replace").read()

    def api(self, path, body):
        req = urllib.request.Request(
            self.base + path, method="POST", data=json.dumps(body).encode(),
            headers={"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(req, timeout=30))

    def playback_token(self, stream_id):
        return self.api(f"/api/streams/{stream_id}/playback-tokens", {"ttlSeconds": 3600})["token"]

    def stop(self):
        stop(tree(self.proc.pid, self.postgres))
        self.proc.wait()


# ------------------------------------------------------------------------------------------
# Set-up: one published broadcast and its first segment


def source_file(work):
    path = os.path.join(work, "source-320x240-25-h264-aac-6s.flv")
    if not os.path.exists(path):
        subprocess.run(
            ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
             "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
             "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
             "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", "flv", "-y", path + ".part"],
            check=True)
        os.rename(path + ".part", path)
    return path


def publish_segment(rewind, work):
    """Creates a stream, publishes the source to it; returns (stream id, segment path)."""
    stream = rewind.api("/api/streams", {"title": "bench playback-auth"})
    url = f"rtmp://127.0.0.1:{rewind.rtmp}/live/{stream['ingest']['streamKey']}"
    log = os.path.join(work, "publish.log")
    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "warning", "-re",
         "-i", source_file(work), "-c", "copy", "-f", "flv", url],
        stdout=subprocess.DEVNULL, stderr=open(log, "wb"), timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"publishing failed (ffmpeg exit {result.returncode}): see {log}")
    token = rewind.playback_token(stream["id"])
    playlist = f"{rewind.base}/live/{stream['id']}/index.m3u8?token={token}"
    deadline, body = time.time() + 60, ""
    while time.time() < deadline:
        code, raw = status(playlist)
        body = raw.decode(errors="replace")
        if code == 200 and "#EXT-X-ENDLIST" in body:
            break
        time.sleep(0.5)
    else:
        raise RuntimeError("the playlist got no #EXT-X-ENDLIST within 60 s; last:\n" + body)
    uris = [line for line in body.splitlines() if line and not line.startswith("#")]
    if not uris:
        raise RuntimeError("the ended playlist lists no segment:\n" + body)
    segment = urllib.parse.urlsplit(urllib.parse.urljoin(playlist, uris[0])).path
    return stream["id"], segment


# ------------------------------------------------------------------------------------------
# wrk


def wrk(url, seconds, connections, threads):
    global running_wrk
    running_wrk = subprocess.Popen(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = running_wrk.communicate()[0]
    code, running_wrk = running_wrk.returncode, None
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    latency = re.search(r"Latency\s+([0-9.]+)(us|ms|s)\b", out)
    if code != 0 or not rate or not latency:
        raise RuntimeError(f"wrk failed (exit {code}):\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rate.group(1)),
        "latency_ms": float(latency.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[latency.group(2)],
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
        "output": out,
    }


def measure(url, args, rewind):
    """A wrk warm-up, one request that must answer 200, then the measured wrk run."""
    if args.w > 0:
        warm = wrk(url, args.w, args.c, args.t)
        if warm["non2xx"]:
            raise RuntimeError(f"{warm['non2xx']} non-2xx responses in the warm-up"
                               f" (see {rewind.log}):\n{warm['output']}")
    code, body = status(url)
    if code != 200:
        raise RuntimeError(f"{url} answered {code}, not 200 (see {rewind.log}): {body[:300]!r}")
    result = wrk(url, args.d, args.c, args.t)
    if result["non2xx"]:
        raise RuntimeError(f"{result['non2xx']} non-2xx responses (see {rewind.log}):"
                           f"\n{result['output']}")
    return result


# ------------------------------------------------------------------------------------------


def require_tools():
    missing = [tool for tool in ("wrk", "ffmpeg", "java") if shutil.which(tool) is None]
    if missing:
        packages = {"wrk": "wrk", "ffmpeg": "ffmpeg", "java": "openjdk-17-jre-headless"}
        sys.exit("missing " + ", ".join(missing) + "; on Debian: apt-get install -y "
                 + " ".join(packages[m] for m in missing))


def copy_jar():
    """A copy of the jar in /tmp, so that a build rewriting app/target does not disturb the run."""
    copy = os.path.join(tempfile.gettempdir(), "bench-playback-auth-rewind.jar")
    for attempt in range(5):
        try:
            shutil.copy(JAR, copy + ".part")
            if not zipfile.is_zipfile(copy + ".part"):
                raise OSError(0, "not a whole jar (being rebuilt?)")
            os.rename(copy + ".part", copy)
            return copy
        except OSError as e:
            if attempt == 4:
                sys.exit(f"cannot copy {JAR}: {e} (build it with mvn package first)")
            print(f"{JAR} not readable ({e.strerror}); retrying in 60 s", file=sys.stderr)
            time.sleep(60)


def header():
    def first_line(command, stream="stdout"):
        done = subprocess.run(command, capture_output=True, text=True)
        return getattr(done, stream).split("\n")[0]

    java = first_line(["java", "-version"], "stderr")
    wrk_version = first_line(["wrk", "-v"]).split(" Copyright")[0]
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return (f"machine: {os.cpu_count()} cores; {java}; {wrk_version}\n"
            f"commit: {commit}{' (with uncommitted changes)' if dirty else ''}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-d", type=int, default=30, help="measured seconds per round")
    parser.add_argument("-w", type=int, default=10, help="warm-up seconds per round")
    parser.add_argument("-c", type=int, default=32, help="wrk connections")
    parser.add_argument("-t", type=int, default=2, help="wrk threads")
    parser.add_argument("-r", type=int, default=2, help="rounds (authorized, then unauthorized)")
    parser.add_argument("-k", action="store_true", help="keep the work directory")
    parser.add_argument("--work", help="work directory to use (and reuse; kept)")
    args = parser.parse_args()
    require_tools()
    jar = copy_jar()
    if args.work:
        work = os.path.abspath(args.work)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="rewind-playback-auth.")
    os.chmod(work, 0o755)
    print(header(), flush=True)
    print(f"wrk -t {args.t} -c {args.c}, warm-up {args.w} s, measured {args.d} s, {args.r} rounds",
          flush=True)

    rewind, results, finished = None, [], False
    try:
        rewind = Rewind(work, jar, "setup")
        stream_id, segment = publish_segment(rewind, work)
        token = rewind.playback_token(stream_id)
        (code, body), (code_without, _) = (
            status(f"{rewind.base}{segment}?token={token}"), status(rewind.base + segment))
        if code != 200 or code_without != 401:
            raise RuntimeError(f"{segment}: expected 200 with the token and 401 without, got "
                               f"{code} and {code_without}")
        print(f"segment: {segment} ({len(body)} bytes)", flush=True)

        for n in range(1, args.r + 1):
            if rewind is None:
                rewind = Rewind(work, jar, f"{n}-authorized")
                token = rewind.playback_token(stream_id)
            base = rewind.base
            if status(base + segment)[0] != 401:
                raise RuntimeError("the authorized Rewind serves the segment without a token")
            print(f"round {n}: authorized", flush=True)
            url = f"{base}{segment}?token={token}"
            results.append((n, "authorized", measure(url, args, rewind)))
            rewind.stop()
            rewind = None

            rewind = Rewind(work, jar, f"{n}-unauthorized", skip_authorization=True)
            if "WITHOUT authorization" not in rewind.text():
                raise RuntimeError(f"{rewind.log} does not say it serves WITHOUT authorization")
            print(f"round {n}: unauthorized", flush=True)
            results.append((n, "unauthorized", measure(rewind.base + segment, args, rewind)))
            rewind.stop()
            rewind = None
        finished = True
    finally:
        if running_wrk is not None:
            running_wrk.kill()
        if rewind is not None:
            rewind.stop()
        if args.k or args.work or not finished:  # after an error, for the logs it names
            print("work directory kept:", work)
        else:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"{'round':>5}  {'mode':13}{'requests/s':>12}{'mean latency':>14}{'non-2xx':>9}"
          f"{'socket errors':>15}")
    for n, mode, r in results:
        print(f"{n:>5}  {mode:13}{r['rps']:>12.1f}{r['latency_ms']:>11.2f} ms{r['non2xx']:>9}"
              f"{r['socket_errors']:>15}")
    mean = {mode: statistics.mean(r["rps"] for _, m, r in results if m == mode)
            for mode in ("authorized", "unauthorized")}
    print()
    for mode, rps in mean.items():
        print(f"mean {mode:13}{rps:>12.1f} requests/s")
    print(f"ratio authorized/unauthorized = {mean['authorized'] / mean['unauthorized']:.3f}"
          f" (goal >= {GOAL})")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        sys.exit(f"playback-auth: {e}")
    except KeyboardInterrupt:
        sys.exit("playback-auth: interrupted")
