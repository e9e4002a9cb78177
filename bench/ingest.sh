#!/usr/bin/env bash
# Measures what RTMP ingest costs the server: N ffmpeg publishers push the same pre-encoded
# stream (H.264 3 Mbit/s 720p30, keyframe every 2 s, AAC 128 kbit/s, in FLV) at once, in real
# time, and the script records the server's CPU time and memory per publisher. As a baseline it
# runs the same load, in the same run, against nginx with the RTMP module (application `live`,
# `live on`, no HLS, no recording): a server that only relays tags to no one, the least any
# ingest can cost. Then against Rewind, packaged jar, embedded defaults, with packaging off
# (rewind.packaging.enabled=false: publications are read and dropped), so that the figures are
# ingest's alone; bench/packaging.py measures packaging.
#
# usage: bench/ingest.sh [-d seconds] [-w seconds] [-i seconds] [-t "nginx rewind"] [-k] [N ...]
#   N ...  publisher counts, one round per count and target (default: 10 50 100)
#   -d     how long each round publishes (default 60)
#   -w     warm-up: the same publishers for this long before the measured round, not counted,
#          so that the JVM has compiled the ingest path (default 20; 0 measures a cold server)
#   -i     idle CPU measured before each round, with no publishers; 0 skips it (default 10)
#   -t     targets to run (default: "nginx rewind")
#   -k     keep the work directory (server and ffmpeg logs) and print where it is
# JAVA_OPTS is passed to the Rewind JVM. Needs ffmpeg with libx264, nginx with
# libnginx-mod-rtmp, java, curl, python3; Rewind needs app/target/rewind.jar (mvn package).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=60 warmup=20 idle=10 targets="nginx rewind" keep=0
while getopts 'd:w:i:t:kh' opt; do
  case $opt in
    d) duration=$OPTARG ;;
    w) warmup=$OPTARG ;;
    i) idle=$OPTARG ;;
    t) targets=$OPTARG ;;
    k) keep=1 ;;
    *) sed -n '11,20p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
counts=("${@:-10 50 100}")
read -r -a counts <<<"${counts[*]}"

rtmp_module=/usr/lib/nginx/modules/ngx_rtmp_module.so
source_jar=app/target/rewind.jar
# Rewind runs from a copy so that a `mvn package` running meanwhile cannot change the jar under it.
rewind_jar=/tmp/bench-rewind.jar
hz=$(getconf CLK_TCK)
settle=5   # seconds after a server is ready before measuring: JIT, first connections, timers
grace=30   # seconds a publisher may run past its duration before it counts as stuck

work=$(mktemp -d "${TMPDIR:-/tmp}/rewind-ingest.XXXXXX")
results="$work/results"
: >"$results"

# Everything this script starts, so that the EXIT trap can stop exactly that.
target=""      # nginx or rewind, for the round in progress
server_pid=""  # nginx master, or the JVM
extra_root=""  # Rewind's embedded PostgreSQL postmaster: pg_ctl daemonizes it, so it is not
               # the JVM's child, and its CPU and memory would be missed without it
pubs=()        # publisher pids (each a `timeout` wrapping ffmpeg)
sampler=""     # background memory sampler

cleanup() {
  local rc=$?
  trap - EXIT
  set +e # stop everything even if one step fails
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  stop_publishers
  stop_server
  if [ "$keep" = 1 ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Processes and their cost

# True when the process exists and is not a zombie (a child that exited but was not waited for
# still answers kill -0).
alive() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  [ "${s%% *}" != Z ]
}

# The pid given and all its descendants, one a line.
descendants() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { kids[$2] = kids[$2] " " $1 }
    END {
      queue = root
      while (queue != "") {
        n = split(queue, q, " "); queue = ""
        for (i = 1; i <= n; i++) { print q[i]; if (q[i] in kids) queue = queue kids[q[i]] }
      }
    }'
}

# The processes the brief measures as "the server": nginx master and worker, or the JVM alone.
main_pids() {
  if [ "$target" = nginx ]; then descendants "$server_pid"; else echo "$server_pid"; fi
}

# Everything serving the target: for Rewind also what the JVM runs and its embedded PostgreSQL.
all_pids() {
  descendants "$server_pid"
  if [ -n "$extra_root" ]; then descendants "$extra_root"; fi
}

# CPU clock ticks used so far by the given processes: utime + stime, plus cutime + cstime so that
# the time of children that exited and were reaped (a PostgreSQL backend, a helper process)
# stays counted in their parent instead of vanishing from the sum.
cpu_ticks() {
  local pid s total=0
  local -a f
  for pid in "$@"; do
    s=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    read -r -a f <<<"${s##*) }" # after "pid (comm) ", since comm may contain spaces
    total=$((total + f[11] + f[12] + f[13] + f[14]))
  done
  echo "$total"
}

# Memory of the given processes in kB: proportional set size (PSS) of anonymous and shared
# memory (Pss_Anon + Pss_Shmem). Proportional because nginx's master and worker, and PostgreSQL's
# processes, share pages that a sum of RSS would count several times. Without file-backed pages
# because the PSS of a shared library falls as processes map it: each ffmpeg publisher that
# starts lowers the server's share of libc, so that plain PSS shrank by more than nginx grew.
# Heaps, buffers and PostgreSQL's shared buffers are all anonymous or shared memory. Kernels
# before 5.7 lack the split; there the figure is the whole PSS.
pss_kb() {
  local pid files=()
  for pid in "$@"; do files+=("/proc/$pid/smaps_rollup"); done
  cat "${files[@]}" 2>/dev/null | awk '
    /^Pss:/ { pss += $2 } /^Pss_(Anon|Shmem):/ { split_ += $2; has = 1 }
    END { print (has ? split_ : pss) + 0 }'
}

# Busy and total CPU ticks of the whole machine, to tell whether it was saturated.
host_ticks() {
  awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}

now() { date +%s.%N; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until something accepts TCP connections on the port, or the server process died.
wait_port() {
  local port=$1 tries=$2
  for _ in $(seq 1 "$tries"); do
    if (: <>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    alive "$server_pid" || return 1
    sleep 0.5
  done
  return 1
}

# Stops the server and whatever it started. The snapshot is taken first because the pids can no
# longer be found from the server's once it has exited.
stop_server() {
  [ -n "$server_pid" ] || return 0
  local pids p left
  pids=$(all_pids)
  kill -TERM "$server_pid" 2>/dev/null || true
  # Rewind stops its PostgreSQL itself on TERM; give it the time, then stop what is left.
  for _ in $(seq 1 60); do
    left=""
    for p in $pids; do if alive "$p"; then left="$left $p"; fi; done
    [ -n "$left" ] || break
    sleep 0.5
  done
  for p in $left; do kill -TERM "$p" 2>/dev/null || true; done
  [ -z "$left" ] || sleep 5
  for p in $left; do if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi; done
  wait "$server_pid" 2>/dev/null || true
  server_pid="" extra_root=""
}

stop_publishers() {
  local pid
  for pid in "${pubs[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done # timeout passes it on
  for pid in "${pubs[@]}"; do wait "$pid" 2>/dev/null || true; done
  pubs=()
}

# ---------------------------------------------------------------------------------------------
# The test stream

# Encodes the test stream once; publishers then only copy it, so that their CPU stays small
# next to the server's on a small machine. Cached (bench/.cache/ is git-ignored) because the
# encoding takes longer than a short round.
media_file() {
  local file=bench/.cache/ingest-720p30-h264-3M-g60-aac-60s.flv
  if [ ! -s "$file" ]; then
    echo "encoding $file (once)" >&2
    mkdir -p bench/.cache
    ffmpeg -nostdin -hide_banner -loglevel error \
      -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
      -t 60 -c:v libx264 -preset veryfast -b:v 3M -maxrate 3M -bufsize 6M \
      -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p -c:a aac -b:a 128k \
      -f flv -y "$file.part"
    mv "$file.part" "$file"
  fi
  echo "$PWD/$file"
}

# ---------------------------------------------------------------------------------------------
# Targets: each starts its server, sets server_pid, and fills urls with one publish URL per
# publisher; each returns non-zero, after saying why, when the server cannot take publishers.

# nginx with a master and one worker process, as nginx runs in production (`master_process off`
# is for nginx development only); one worker because with several, nginx-rtmp needs
# rtmp_auto_push to relay between them, and Rewind is measured on all cores anyway. Run as
# root, the worker switches to `nobody`, which needs nothing here: every file nginx opens is
# opened by the master, in the round's directory.
start_nginx() {
  local dir=$1 n=$2 port i
  port=$(free_port)
  cat >"$dir/nginx.conf" <<EOF
load_module $rtmp_module;
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
rtmp {
  access_log off;
  server {
    listen 127.0.0.1:$port;
    application live {
      live on;
      record off;
      hls off;
    }
  }
}
EOF
  # -e: the packaged nginx would otherwise first try to open /var/log/nginx/error.log
  nginx -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/server.log" 2>&1 &
  server_pid=$!
  if ! wait_port "$port" 20; then
    echo "nginx did not start: $(tail -3 "$dir/error.log" "$dir/server.log" 2>/dev/null)" >&2
    return 1
  fi
  for i in $(seq 1 "$n"); do urls+=("rtmp://127.0.0.1:$port/live/bench$i"); done
}

# Rewind from the packaged jar, in a directory of its own so that it uses its own embedded data
# directory ./data (kept across rounds: only the first start extracts PostgreSQL). Each round
# starts it afresh so that one round's grown heap does not hide the next round's memory, and
# creates the round's streams through the API (stream keys are shown only at creation).
rewind_home="$work/rewind"
start_rewind() {
  local dir=$1 n=$2 http rtmp rtmps token body key i log="$dir/server.log"
  if [ ! -f "$work/jar-copied" ]; then
    if [ ! -f "$source_jar" ]; then
      echo "rewind: $source_jar missing; build it with: mvn -q package -DskipTests" >&2
      return 1
    fi
    cp "$source_jar" "$rewind_jar"
    # A copy taken while Maven rewrites the jar is truncated; its zip directory is then missing.
    if ! python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1])' "$rewind_jar" 2>/dev/null; then
      echo "rewind: $source_jar is incomplete (being built?); run again later" >&2
      return 1
    fi
    touch "$work/jar-copied" # copied once per run, so that every round runs the same jar
  fi
  http=$(free_port) rtmp=$(free_port) rtmps=$(free_port)
  mkdir -p "$rewind_home"
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  (cd "$rewind_home" && exec java ${JAVA_OPTS:-} -jar "$rewind_jar" --server.port="$http" \
    --rewind.ingest.rtmp-port="$rtmp" --rewind.ingest.rtmps-port="$rtmps" \
    --rewind.packaging.enabled=false) >"$log" 2>&1 &
  server_pid=$!
  # The API token is printed a moment after the ready line; wait for both.
  for _ in $(seq 1 360); do
    if grep -q 'Rewind ready' "$log" && grep -q 'export REWIND_TOKEN=' "$log"; then break; fi
    if ! alive "$server_pid"; then
      echo "rewind exited during start-up:" >&2; tail -5 "$log" >&2; return 1
    fi
    sleep 0.5
  done
  token=$(grep -oP 'export REWIND_TOKEN=\K\S+' "$log" | tail -1) || {
    echo "rewind: no 'Rewind ready' and API token within 180 s:" >&2; tail -5 "$log" >&2; return 1
  }
  extra_root=$(head -1 "$rewind_home/data/postgres/cluster/postmaster.pid" 2>/dev/null || true)
  for i in $(seq 1 "$n"); do
    if ! body=$(curl -sS --fail-with-body -X POST "http://127.0.0.1:$http/api/streams" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"title\":\"bench $i\"}" 2>&1); then
      echo "rewind: creating stream $i failed: $body" >&2; return 1
    fi
    # 201 answer: {"id":"...","ingest":{"rtmpUrl":...,"streamKey":"..."},...}
    key=$(grep -o '"streamKey":"[^"]*"' <<<"$body" | cut -d'"' -f4 || true)
    if [ -z "$key" ]; then echo "rewind: no streamKey in: $body" >&2; return 1; fi
    urls+=("rtmp://127.0.0.1:$rtmp/live/$key")
  done
  if ! wait_port "$rtmp" 4; then
    echo "rewind: nothing accepts connections on its RTMP port $rtmp; publishing will fail" >&2
  fi
}

# ---------------------------------------------------------------------------------------------
# Publishers

# One ffmpeg per URL, copying the file in real time (-re), looping it if the round is longer than
# the file. -t makes a publisher that was never refused end by itself with status 0; `timeout`
# ends one that a server keeps waiting. -progress leaves its byte, drop and speed counters.
launch_publishers() {
  local dir=$1 media=$2 seconds=${3:-$duration} i=0 url
  for url in "${urls[@]}"; do
    i=$((i + 1))
    timeout -k 5 $((seconds + grace)) ffmpeg -nostdin -hide_banner -loglevel warning -nostats \
      -re -stream_loop -1 -i "$media" -c copy -t "$seconds" \
      -progress "$dir/pub$i.progress" -stats_period 5 -f flv "$url" 2>"$dir/pub$i.log" &
    pubs+=($!)
  done
}

# Waits for every publisher and writes one line each: index, exit status, bytes sent, frames
# dropped, final speed (1 = real time; lower means it could not send as fast as it should).
collect_publishers() {
  local dir=$1 i=0 pid rc
  for pid in "${pubs[@]}"; do
    i=$((i + 1)) rc=0
    wait "$pid" || rc=$?
    if [ -f "$dir/pub$i.progress" ]; then
      awk -F= -v i="$i" -v rc="$rc" '
        /^total_size=/ { size = $2 } /^drop_frames=/ { drop = $2 }
        /^speed=/ { speed = $2; gsub(/[ x]/, "", speed) }
        END { print i, rc, size + 0, drop + 0, (speed ~ /^[0-9.]+$/ ? speed : "-") }' \
        "$dir/pub$i.progress"
    else
      echo "$i $rc 0 0 -"
    fi
  done >"$dir/publishers"
  pubs=()
}

# Says how the publishers ended, and why the failed ones failed.
report_publishers() {
  local dir=$1 n=$2 first log warned
  awk -v n="$n" -v t="$target" '
    $2 == 0 { ok++ } $2 == 124 { late++ } $2 != 0 && $2 != 124 { codes[$2]++ }
    END {
      printf "  %s: %d of %d publishers exited cleanly", t, ok, n
      if (late) printf ", %d still publishing after the duration plus '"$grace"' s", late
      for (c in codes) printf ", %d exited with status %d", codes[c], c
      print ""
    }' "$dir/publishers"
  first=$(awk '$2 != 0 { print $1; exit }' "$dir/publishers")
  if [ -n "$first" ]; then
    log=$(grep -v 'Failed to update header' "$dir/pub$first.log" | head -2 | tr '\n' ' ' || true)
    echo "  $target: publishing failed; publisher $first said: ${log:-nothing}"
    if [ "$target" = rewind ]; then
      grep -E ' (WARN|ERROR) ' "$dir/server.log" | grep -v -e 'master-key' -e 'self-signed' |
        tail -3 | cut -c1-300 | sed 's/^/  rewind log: /'
    fi
  fi
  # The FLV muxer always warns that it cannot rewrite the header of a live output; anything
  # else a publisher logged is worth a look.
  warned=0
  for log in "$dir"/pub*.log; do
    if grep -qv 'Failed to update header' "$log"; then warned=$((warned + 1)); fi
  done
  if [ "$warned" -gt 0 ]; then
    echo "  $target: $warned publishers logged warnings or errors, such as:" \
      "$(cat "$dir"/pub*.log | grep -v 'Failed to update header' | head -1 || true)"
  fi
}

# Rewind logs the tags it took from each publication when it stops. Every publisher sends the
# same tags; ffmpeg writing the same copy to an FLV file instead says how many (the file's tags,
# counted by walking the FLV tag headers: frames, sequence headers, metadata, end of sequence).
report_tags() {
  local dir=$1 media=$2 from=$3 expected
  sleep 2 # the last publishers' stop lines follow their exit
  ffmpeg -nostdin -loglevel error -stream_loop -1 -i "$media" -c copy -t "$duration" \
    -f flv -y "$dir/reference.flv"
  expected=$(python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
at, tags = 13, 0
while at + 11 <= len(data):
    at += 11 + int.from_bytes(data[at + 1:at + 4], "big") + 4
    tags += 1
print(tags)' "$dir/reference.flv")
  rm -f "$dir/reference.flv"
  tail -n "+$from" "$dir/server.log" | grep -oP 'stopped publishing from .* \K[0-9]+(?= tags)' |
    awk -v e="$expected" '
      { n++; if (min == "" || $1 < min) min = $1; if ($1 > max) max = $1 }
      END {
        printf "  rewind: tags received per publication: %d publications, min %d, max %d;", n, min, max
        printf " each publisher sent %d\n", e
      }'
}

# Every second until told to stop: seconds into the round, PSS of the main and of all server
# processes in kB.
sample_memory() {
  local out=$1 stop=$2 t0=$3
  while [ ! -e "$stop" ]; do
    # shellcheck disable=SC2046 # pid lists
    echo "$(awk -v t0="$t0" -v t="$(now)" 'BEGIN { printf "%d", t - t0 }')" \
      "$(pss_kb $(main_pids))" "$(pss_kb $(all_pids))"
    sleep 1
  done >"$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : 0) }'; }

# Memory in the steady state: the median of the samples taken in the second half of the
# publishing, once every publisher has connected and before any has stopped.
steady_kb() {
  local file=$1 column=$2 lo=$((duration / 2)) hi=$((duration - 1))
  awk -v c="$column" -v lo="$lo" -v hi="$hi" '
    { all[NR] = $c } $1 >= lo && $1 <= hi { print $c; n++ }
    END { if (!n) for (i = 1; i <= NR; i++) print all[i] }' "$file" | median
}

# ---------------------------------------------------------------------------------------------
# A round: one target, n publishers

# shellcheck disable=SC2046 # pid lists are word-split on purpose throughout
run_round() {
  target=$1
  local n=$2 media=$3 dir="$work/$1-$2" m0 a0 idle_main=0 idle_all=0 mem_main mem_all
  local t0 t1 h0 h1 c0m c0a c1m c1a log_from=1
  mkdir -p "$dir"
  urls=()
  echo "$target, $n publishers, $duration s"
  if ! "start_$target" "$dir" "$n"; then
    stop_server
    echo "$target $n - - - - - - - - - - - - - server-failed" >>"$results"
    return 0
  fi

  sleep "$settle"
  # memory before any publisher, so that what the warm-up made the server keep counts
  mem_main=$(pss_kb $(main_pids)) mem_all=$(pss_kb $(all_pids))
  if [ "$warmup" -gt 0 ]; then
    mkdir -p "$dir/warmup"
    launch_publishers "$dir/warmup" "$media" "$warmup"
    collect_publishers "$dir/warmup"
    sleep "$settle" # the warm-up publications end, and their last lines are logged
    if [ "$target" = rewind ]; then log_from=$(($(wc -l <"$dir/server.log") + 1)); fi
  fi
  if [ "$idle" -gt 0 ]; then
    m0=$(cpu_ticks $(main_pids)) a0=$(cpu_ticks $(all_pids))
    sleep "$idle"
    idle_main=$(awk -v d="$(($(cpu_ticks $(main_pids)) - m0))" -v hz="$hz" -v s="$idle" \
      'BEGIN { print d / hz / s * 60 }')
    idle_all=$(awk -v d="$(($(cpu_ticks $(all_pids)) - a0))" -v hz="$hz" -v s="$idle" \
      'BEGIN { print d / hz / s * 60 }')
  fi

  h0=$(host_ticks) c0m=$(cpu_ticks $(main_pids)) c0a=$(cpu_ticks $(all_pids)) t0=$(now)
  launch_publishers "$dir" "$media"
  sample_memory "$dir/memory" "$dir/stop" "$t0" &
  sampler=$!
  collect_publishers "$dir"
  t1=$(now) c1m=$(cpu_ticks $(main_pids)) c1a=$(cpu_ticks $(all_pids)) h1=$(host_ticks)
  touch "$dir/stop"
  wait "$sampler" || true
  sampler=""

  report_publishers "$dir" "$n"
  if [ "$target" = rewind ]; then report_tags "$dir" "$media" "$log_from"; fi
  # CPU per publisher per minute is net of the idle rate measured just before, and divided by
  # the publishers that published to the end: with none, there is no per-publisher figure.
  awk -v target="$target" -v n="$n" -v hz="$hz" -v t0="$t0" -v t1="$t1" \
    -v cm="$((c1m - c0m))" -v ca="$((c1a - c0a))" -v im="$idle_main" -v ia="$idle_all" \
    -v m0="$mem_main" -v a0="$mem_all" -v m1="$(steady_kb "$dir/memory" 2)" \
    -v a1="$(steady_kb "$dir/memory" 3)" -v h0="$h0" -v h1="$h1" '
    BEGIN { split(h0, hb, " "); split(h1, he, " ") }
    $2 == 0 { ok++; if (speed == "" || $5 + 0 < speed + 0) speed = $5 }
    $2 != 0 { fail++ }
    { drops += $4; bytes += $3 }
    END {
      wall = t1 - t0; min = wall / 60
      busy = 100 * (he[1] - hb[1]) / (he[2] - hb[2])
      printf "%s %d %d %d %d %s %.1f %.0f %.0f %.3f ", target, n, ok, fail, drops,
        (speed == "" ? "-" : speed), bytes * 8 / wall / 1e6, busy, m0 / 1024, im
      if (ok) printf "%.3f %.2f %.3f %.3f %.2f", (cm / hz - im * min) / ok / min,
        (m1 - m0) / 1024 / ok, ia, (ca / hz - ia * min) / ok / min, (a1 - a0) / 1024 / ok
      else printf "- - %.3f - -", ia
      print (ok ? "" : " publishing-failed")
    }' "$dir/publishers" | tee -a "$results" | sed 's/^/  figures: /'
  stop_server
}

# ---------------------------------------------------------------------------------------------

print_table() {
  echo
  echo "duration ${duration} s per round after ${warmup} s of warm-up; CPU in CPU-seconds per publisher per minute, net of idle;"
  echo "memory in MB per publisher (PSS, anonymous + shared), steady state minus before they connected."
  echo "server: nginx master + worker / Rewind JVM;  all: + what Rewind runs, its embedded PostgreSQL"
  echo
  awk '
    BEGIN {
      f = "%-7s %4s %4s %4s %5s %5s %7s %4s %7s %8s %8s %7s %8s %8s %7s\n"
      printf f, "", "", "", "", "", "min", "sent", "host", "server", "server", "server", "server", "all", "all", "all"
      printf f, "target", "N", "ok", "fail", "drops", "speed", "Mbit/s", "busy", "idle MB", "idle cpu", "cpu/pub", "MB/pub", "idle cpu", "cpu/pub", "MB/pub"
    }
    { busy = ($8 == "-" ? "-" : $8 "%")
      printf f, $1, $2, $3, $4, $5, $6, $7, busy, $9, $10, $11, $12, $13, $14, $15
      if (NF > 15) notes = notes sprintf("%s N=%s: %s\n", $1, $2, $16) }
    END { printf "%s", notes }' "$results"
}

main() {
  local need media n t
  for need in ffmpeg ffprobe nginx java curl python3 timeout; do
    command -v "$need" >/dev/null || { echo "missing: $need" >&2; exit 1; }
  done
  [ -f "$rtmp_module" ] || { echo "missing $rtmp_module (apt install libnginx-mod-rtmp)" >&2; exit 1; }
  for t in $targets; do
    case $t in nginx | rewind) ;; *) echo "unknown target $t (nginx, rewind)" >&2; exit 2 ;; esac
  done
  for n in "${counts[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "not a publisher count: $n" >&2; exit 2; }
  done
  media=$(media_file)
  echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GB;" \
    "$(ffmpeg -version | head -1 | cut -d' ' -f1-3); $(nginx -v 2>&1 | cut -d' ' -f3);" \
    "$(java -version 2>&1 | head -1)"
  echo "stream: $(ffprobe -v error -show_entries format=bit_rate -of csv=p=0 "$media" |
    awk '{ printf "%.2f Mbit/s", $1 / 1e6 }') FLV, publishers run $duration s each"
  for n in "${counts[@]}"; do
    for t in $targets; do run_round "$t" "$n" "$media"; done
  done
  print_table
}

main
