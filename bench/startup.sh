#!/usr/bin/env bash
# Measures how long Rewind takes from JVM start to ready with its embedded defaults: the first
# start on an empty data directory (binaries extracted, cluster created) and later starts, for
# the packaged jar and for the exploded class path that `mvn spring-boot:run` uses. As a
# baseline it times, in the same run, what no Rewind code can shorten: the JVM printing its
# version, and the embedded PostgreSQL starting on its own.
#
# usage: bench/startup.sh [runs]   (default 3 warm runs per layout)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
jar=app/target/rewind.jar
[ -f "$jar" ] || mvn -q -B package -DskipTests -Dspotless.check.skip -Dcheckstyle.skip
work=$(mktemp -d)
trap 'pkill -f "rewind.data-dir=$work" >/dev/null 2>&1 || true; sleep 5; rm -rf "$work"' EXIT

classpath() {
  if [ ! -f "$work/cp.txt" ]; then
    (cd app && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" \
      -Dmdep.includeScope=runtime >/dev/null 2>&1)
  fi
  echo "app/target/classes:$(cat "$work/cp.txt")"
}

# Starts Rewind, waits for its ready line, stops it; prints the JVM uptime it reported.
ready_ms() {
  local data=$1; shift
  local log="$work/run.log"
  "$@" --rewind.data-dir="$data" --server.port=0 >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 240); do
    if grep -q 'Rewind ready in' "$log"; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "Rewind exited: $(tail -5 "$log")" >&2; exit 1; fi
    sleep 0.25
  done
  grep -oP 'Rewind ready in \K[0-9]+' "$log"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"

jvm_ms=$( { for _ in $(seq 1 "$runs"); do
  s=$(date +%s%N); java -version >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); done; } | median)
echo "baseline  java -version                         ${jvm_ms} ms"

first=$(ready_ms "$work/jar-data" java -jar "$jar")
pg="$work/jar-data/postgres"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg_ms=$(unshare_cmd=""; [ "$(id -u)" = 0 ] && unshare_cmd="unshare --user"
  s=$(date +%s%N)
  $unshare_cmd "$pg/binaries/bin/pg_ctl" start -w -D "$pg/cluster" -l "$work/pg.log" \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" >/dev/null
  e=$(date +%s%N)
  $unshare_cmd "$pg/binaries/bin/pg_ctl" stop -w -D "$pg/cluster" >/dev/null
  echo $(( (e - s) / 1000000 )))
echo "baseline  embedded PostgreSQL alone (pg_ctl)     ${pg_ms} ms"
echo "rewind    jar, first start (empty data dir)     ${first} ms"

warm=$( { for _ in $(seq 1 "$runs"); do ready_ms "$work/jar-data" java -jar "$jar"; done; } | median)
echo "rewind    jar, later starts (median of $runs)      ${warm} ms"

cp=$(classpath)
exploded=$( { for _ in $(seq 1 "$runs"); do
  ready_ms "$work/jar-data" java -cp "$cp" dev.rewind.RewindApplication; done; } | median)
echo "rewind    exploded class path (median of $runs)    ${exploded} ms"
