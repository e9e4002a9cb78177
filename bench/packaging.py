#!/usr/bin/env python3
"""Measures what packaging costs and how soon a segment is listed.

N broadcasts publish the same pre-encoded stream (H.264 3 Mbit/s 720p30, keyframe every 2 s, AAC
128 kbit/s) at once, in real time, to Rewind and, in the same run, to nginx with the RTMP module
writing HLS (2 s fragments) as the baseline. Each publisher is an ffmpeg copying FLV from this
script's pipe to the server, so that the script knows to the millisecond when each keyframe left.

Per target it prints CPU seconds per broadcast per minute and memory per broadcast (Rewind: the
JVM, its FFmpeg processes and its embedded PostgreSQL; nginx: master and worker), net of what the
server used before the broadcasts started, and the listing delay: from the closing keyframe of a
segment to the segment in the playlist. For Rewind that is Rewind's own measure, from the
keyframe's arrival at ingest to the commit of the segment's row (its DEBUG log line); for nginx
the keyframe leaving this script to the playlist file naming the segment (polled every 2 ms).

usage: bench/packaging.py [-d SECONDS] [-t nginx,rewind] [-k] [N ...]   (default N: 1 5 10)
Needs ffmpeg with libx264, nginx with libnginx-mod-rtmp, java, and app/target/rewind.jar.
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
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEDIA = os.path.join(ROOT, "bench/.cache/ingest-720p30-h264-3M-g60-aac-60s.flv")
RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"
HZ = os.sysconf("SC_CLK_TCK")
SETTLE = 5


def media_file():
    if not os.path.exists(MEDIA):
        print("encoding", MEDIA, "(once)", file=sys.stderr)
        os.makedirs(os.path.dirname(MEDIA), exist_ok=True)
        subprocess.run(
            ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
             "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
             "-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "3M",
             "-maxrate", "3M", "-bufsize", "6M", "-g", "60", "-keyint_min", "60",
             "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
             "-f", "flv", "-y", MEDIA + ".part"], check=True)
        os.rename(MEDIA + ".part", MEDIA)
    return MEDIA


def flv_tags(path):
    """The FLV header and the file's tags as (timestamp ms, is keyframe, bytes)."""
    data = open(path, "rb").read()
    header, at, tags = data[:13], 13, []
    while at + 11 <= len(data):
        size = int.from_bytes(data[at + 1:at + 4], "big")
        ts = int.from_bytes(data[at + 4:at + 7], "big") | data[at + 7] << 24
        kind = data[at] & 0x1F
        key = kind == 9 and data[at + 11] >> 4 == 1
        # metadata and sequence headers (AVC or AAC packet type 0) are sent once, not per loop
        setup = kind == 18 or (kind in (8, 9) and size > 1 and data[at + 12] == 0)
        tags.append((ts, key, data[at:at + 11 + size + 4], setup))
        at += 11 + size + 4
    return header, tags


def retimed(tag, ts):
    b = bytearray(tag)
    b[4:7] = (ts & 0xFFFFFF).to_bytes(3, "big")
    b[7] = ts >> 24 & 0xFF
    return bytes(b)


class Publisher(threading.Thread):
    """Feeds the file, looped, in real time through an ffmpeg that relays it to the server."""

    def __init__(self, url, header, tags, duration, log):
        super().__init__(daemon=True)
        self.url, self.header, self.tags, self.duration = url, header, tags, duration
        self.keyframes = {}  # media ms -> wall time it left
        self.log = log
        self.error = None

    def run(self):
        proc = subprocess.Popen(
            ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "warning", "-f", "flv",
             "-i", "pipe:0", "-c", "copy", "-f", "flv", self.url],
            stdin=subprocess.PIPE, stderr=open(self.log, "wb"))
        try:
            proc.stdin.write(self.header)
            length = self.tags[-1][0] + 33  # one frame past the last tag
            start = time.time()
            loop = 0
            while True:
                for ts, key, tag, setup in self.tags:
                    if setup and loop:
                        continue
                    t = ts + loop * length
                    if t >= self.duration * 1000:
                        raise StopIteration
                    delay = start + t / 1000 - time.time()
                    if delay > 0:
                        time.sleep(delay)
                    proc.stdin.write(retimed(tag, t) if loop else tag)
                    proc.stdin.flush()
                    if key:
                        self.keyframes[t] = time.time()
                loop += 1
        except StopIteration:
            pass
        except (BrokenPipeError, OSError) as e:
            self.error = str(e)
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass
            proc.wait(timeout=30)
            self.exit = proc.returncode


# ------------------------------------------------------------------------------------------
# Processes and their cost


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


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in f[11:15])  # utime stime cutime cstime
    return total


def pss_kb(pids):
    """Proportional anonymous and shared memory (see bench/ingest.sh for why not RSS)."""
    total = 0
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/smaps_rollup"):
                if line.startswith(("Pss_Anon:", "Pss_Shmem:")):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.3)
    return False


# ------------------------------------------------------------------------------------------
# Targets


class Nginx:
    name = "nginx"

    def __init__(self, work, n):
        self.dir = os.path.join(work, f"nginx-{n}")
        self.hls = os.path.join(self.dir, "hls")
        os.makedirs(self.hls)
        self.port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""load_module {RTMP_MODULE};
daemon off;
master_process on;
worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 1024; }}
rtmp {{
  access_log off;
  server {{
    listen 127.0.0.1:{self.port};
    application live {{
      live on;
      record off;
      hls on;
      hls_path {self.hls};
      hls_fragment 2s;
      hls_playlist_length 600s;
    }}
  }}
}}
""")
        os.chmod(self.dir, 0o777)
        os.chmod(self.hls, 0o777)
        self.proc = subprocess.Popen(
            ["nginx", "-p", self.dir + "/", "-e", self.dir + "/error.log", "-c", conf],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_port(self.port, self.proc, 20):
            raise RuntimeError("nginx did not start")
        self.urls = [f"rtmp://127.0.0.1:{self.port}/live/bench{i}" for i in range(n)]
        self.seen = [dict() for _ in range(n)]  # segment name -> (wall time listed, end ms)
        self.stop_watch = False
        self.watcher = threading.Thread(target=self.watch, daemon=True)
        self.watcher.start()

    def pids(self):
        return tree(self.proc.pid)

    def watch(self):
        mtimes = {}
        while not self.stop_watch:
            for i, seen in enumerate(self.seen):
                path = os.path.join(self.hls, f"bench{i}.m3u8")
                try:
                    mtime = os.stat(path).st_mtime_ns
                except OSError:
                    continue
                if mtimes.get(i) == mtime:
                    continue
                mtimes[i] = mtime
                now = time.time()
                try:
                    text = open(path).read()
                except OSError:
                    continue
                end = 0.0
                for duration, name in re.findall(r"#EXTINF:([0-9.]+),\n(\S+)", text):
                    end += float(duration)
                    seen.setdefault(name, (now, round(end * 1000)))
            time.sleep(0.002)

    def delays(self, publishers):
        out = []
        for seen, pub in zip(self.seen, publishers):
            for name, (listed, end_ms) in seen.items():
                sent = nearest(pub.keyframes, end_ms)
                if sent is not None:
                    out.append((listed - sent) * 1000)
        return out

    def stop(self):
        self.stop_watch = True
        stop(self.pids())


class Rewind:
    name = "rewind"

    def __init__(self, work, n, jar):
        self.dir = os.path.join(work, "rewind")  # kept across rounds: one PostgreSQL extraction
        os.makedirs(self.dir, exist_ok=True)
        http, rtmp, rtmps = free_port(), free_port(), free_port()
        self.log = os.path.join(work, f"rewind-{n}.log")
        self.proc = subprocess.Popen(
            ["java", *os.environ.get("JAVA_OPTS", "").split(), "-jar", jar,
             f"--server.port={http}", f"--rewind.ingest.rtmp-port={rtmp}",
             f"--rewind.ingest.rtmps-port={rtmps}",
             "--logging.level.dev.rewind.packaging.LiveBroadcast=DEBUG"],
            cwd=self.dir, stdout=open(self.log, "wb"), stderr=subprocess.STDOUT)
        token = None
        deadline = time.time() + 180
        while time.time() < deadline and token is None:
            if self.proc.poll() is not None:
                raise RuntimeError("rewind exited during start-up: see " + self.log)
            found = re.findall(r"export REWIND_TOKEN=(\S+)", open(self.log).read())
            token = found[-1] if found else None
            time.sleep(0.5)
        if token is None:
            raise RuntimeError("rewind printed no token within 180 s")
        self.urls = []
        for i in range(n):
            req = urllib.request.Request(
                f"http://127.0.0.1:{http}/api/streams", method="POST",
                data=json.dumps({"title": f"bench {i}"}).encode(),
                headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            stream = json.load(urllib.request.urlopen(req))
            self.urls.append(f"rtmp://127.0.0.1:{rtmp}/live/{stream['ingest']['streamKey']}")
        self.postgres = None
        pidfile = os.path.join(self.dir, "data/postgres/cluster/postmaster.pid")
        if os.path.exists(pidfile):
            self.postgres = int(open(pidfile).readline())

    def pids(self):
        return tree(self.proc.pid, self.postgres)

    def delays(self, publishers):
        text = open(self.log, errors="replace").read()
        return [float(ms) for ms in re.findall(r"listed (\d+) ms after its closing frame", text)]

    def stages(self):
        """Medians of where the delay went: cut and spooled, queued and uploaded, row written."""
        text = open(self.log, errors="replace").read()
        found = re.findall(r"spooled \+(\d+) ms, stored \+(\d+) ms, row \+(\d+) ms", text)
        if not found:
            return None
        return tuple(statistics.median(int(f[i]) for f in found) for i in range(3))

    def stop(self):
        stop(self.pids())


def nearest(keyframes, ms, tolerance=50):
    best = min(keyframes, key=lambda k: abs(k - ms), default=None)
    return keyframes[best] if best is not None and abs(best - ms) <= tolerance else None


def stop(pids):
    for pid in pids:
        try:
            os.kill(pid, 15)
        except OSError:
            pass
    deadline = time.time() + 30
    while time.time() < deadline and any(os.path.exists(f"/proc/{p}") for p in pids):
        time.sleep(0.5)
    for pid in pids:
        try:
            os.kill(pid, 9)
        except OSError:
            pass


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_round(target, n, header, tags, duration, work):
    print(f"{target.name}, {n} broadcasts, {duration} s", flush=True)
    time.sleep(SETTLE)
    pids = target.pids()
    idle0, t_idle = cpu_ticks(pids), time.time()
    time.sleep(5)
    idle_rate = (cpu_ticks(target.pids()) - idle0) / HZ / (time.time() - t_idle)  # CPU-s per s
    mem0 = pss_kb(target.pids())
    c0, t0 = cpu_ticks(target.pids()), time.time()
    publishers = [Publisher(url, header, tags, duration, os.path.join(work, f"{target.name}-{n}-{i}.log"))
                  for i, url in enumerate(target.urls)]
    for p in publishers:
        p.start()
    samples = []
    while any(p.is_alive() for p in publishers):
        if duration / 2 <= time.time() - t0 <= duration - 1:
            samples.append(pss_kb(target.pids()))
        time.sleep(1)
    c1, t1 = cpu_ticks(target.pids()), time.time()
    time.sleep(3)  # the last segments
    failed = [p for p in publishers if p.error or p.exit not in (0, None)]
    minutes = (t1 - t0) / 60
    cpu = ((c1 - c0) / HZ - idle_rate * (t1 - t0)) / n / minutes
    mem = (statistics.median(samples) - mem0) / 1024 / n if samples else float("nan")
    delays = target.delays(publishers)
    stages = target.stages() if hasattr(target, "stages") else None
    return {"stages": stages, "target": target.name, "n": n, "failed": len(failed), "cpu": cpu, "mem": mem,
            "idle_mb": mem0 / 1024, "segments": len(delays), "p50": percentile(delays, 50),
            "p95": percentile(delays, 95), "max": max(delays) if delays else float("nan")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-d", type=int, default=60, help="seconds each round publishes")
    parser.add_argument("-t", default="nginx,rewind", help="targets")
    parser.add_argument("-k", action="store_true", help="keep the work directory")
    parser.add_argument("counts", nargs="*", type=int, default=[1, 5, 10])
    args = parser.parse_args()
    jar = os.path.join(tempfile.gettempdir(), "bench-packaging-rewind.jar")
    shutil.copy(os.path.join(ROOT, "app/target/rewind.jar"), jar)
    header, tags = flv_tags(media_file())
    work = tempfile.mkdtemp(prefix="rewind-packaging.")
    os.chmod(work, 0o755)
    print(f"machine: {os.cpu_count()} cores; "
          + subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0]
          + "; " + subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.split("\n")[0])
    results = []
    try:
        for n in args.counts:
            for name in args.t.split(","):
                target = Nginx(work, n) if name == "nginx" else Rewind(work, n, jar)
                try:
                    results.append(run_round(target, n, header, tags, args.d, work))
                finally:
                    target.stop()
    finally:
        if args.k:
            print("work directory kept:", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print("CPU: CPU-seconds per broadcast per minute, net of idle; memory: MB per broadcast (PSS,")
    print("anonymous + shared), steady state minus before. Listing delay in ms (see the top of this file).")
    print(f"{'target':8}{'N':>4}{'failed':>7}{'cpu/b':>8}{'MB/b':>8}{'idle MB':>9}"
          f"{'segments':>9}{'p50':>8}{'p95':>8}{'max':>8}")
    for r in results:
        print(f"{r['target']:8}{r['n']:>4}{r['failed']:>7}{r['cpu']:>8.3f}{r['mem']:>8.1f}"
              f"{r['idle_mb']:>9.0f}{r['segments']:>9}{r['p50']:>8.1f}{r['p95']:>8.1f}{r['max']:>8.1f}")
    for r in results:
        if r["stages"]:
            print(f"rewind N={r['n']}: median ms from the closing keyframe to spooled %d,"
                  " then to stored %d, then to the row %d" % r["stages"])


if __name__ == "__main__":
    main()
