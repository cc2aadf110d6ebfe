#!/usr/bin/env bash
# Loads Get Webhook Details on the mock (`conformance serve`) and on Prism's
# mock of the same spec, side by side with the same load tool and settings,
# and prints requests/s, p99 latency and their ratio.
#
#   make bench-mock                      # or: bash scripts/bench-mock.sh
#   DURATION=20s CONCURRENCY=16 bash scripts/bench-mock.sh
#   TOOL=wrk bash scripts/bench-mock.sh  # wrk (apt-get install wrk) instead of hey
#
# hey is the reference tool. It spends more CPU per request than the server
# it loads, so on a small machine it measures itself as much as the server;
# wrk, lighter, shows more of what the server can do. The CPU time each
# server spent per request (all processes of its session) is printed too:
# unlike req/s, it hardly moves when other work shares the machine.
#
# Both servers listen on loopback only. The script holds /tmp/bench.lock
# while it runs so that measurements on a shared machine do not overlap.
set -euo pipefail

if [ -z "${BENCH_LOCK_HELD:-}" ] && command -v flock >/dev/null; then
  exec env BENCH_LOCK_HELD=1 flock /tmp/bench.lock bash "$0" "$@"
fi

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONCURRENCY=${CONCURRENCY:-16}
OURS_PORT=${OURS_PORT:-18481}
PRISM_PORT=${PRISM_PORT:-18482}
PRISM=${PRISM:-npx --yes @stoplight/prism-cli@5.16.0}
TOKEN=bench-token

TOOL=${TOOL:-hey}
case "$TOOL" in
hey)
  HEY=${HEY:-$(command -v hey || echo "$(go env GOPATH)/bin/hey")}
  if [ ! -x "$HEY" ]; then
    echo "installing hey (go install github.com/rakyll/hey@v0.1.5)" >&2
    go install github.com/rakyll/hey@v0.1.5
    HEY="$(go env GOPATH)/bin/hey"
  fi
  ;;
wrk)
  command -v wrk >/dev/null || { echo "bench-mock: wrk not found (apt-get install wrk)" >&2; exit 2; }
  ;;
*)
  echo "bench-mock: TOOL must be hey or wrk, not $TOOL" >&2
  exit 2
  ;;
esac

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each server runs in its own session, so that cleanup ends npx and the node
# process it starts together.
go build -o "$tmp/conformance" ./cmd/conformance
setsid "$tmp/conformance" serve --listen "127.0.0.1:$OURS_PORT" --token "$TOKEN" 2>"$tmp/serve.log" &
pids+=($!)
setsid $PRISM mock api/openapi.yaml -h 127.0.0.1 -p "$PRISM_PORT" >"$tmp/prism.log" 2>&1 &
pids+=($!)

wait_up() { # url, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$1"; then return 0; fi
    sleep 0.1
  done
  echo "bench-mock: $1 did not come up in $2 s" >&2
  cat "$tmp/serve.log" "$tmp/prism.log" >&2
  exit 1
}
wait_up "http://127.0.0.1:$OURS_PORT/v1/webhooks" 30
wait_up "http://127.0.0.1:$PRISM_PORT/webhooks" 180

id=$(curl -sf -X POST "http://127.0.0.1:$OURS_PORT/v1/webhooks" \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"bench","targetUrl":"https://example.com/hook","resource":"messages","event":"created","secret":"s"}' |
  sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || { echo "bench-mock: could not create a webhook" >&2; exit 1; }

ours_url="http://127.0.0.1:$OURS_PORT/v1/webhooks/$id"
# Prism serves the spec's paths without the /v1 of its server URL.
prism_url="http://127.0.0.1:$PRISM_PORT/webhooks/$id"

for u in "$ours_url" "$prism_url"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$u")
  [ "$code" = 200 ] || { echo "bench-mock: GET $u answered $code" >&2; exit 1; }
done

. scripts/session-ticks.sh

warm_up() { # url
  if [ "$TOOL" = wrk ]; then
    wrk -t2 -c"$CONCURRENCY" -d2s -H "Authorization: Bearer $TOKEN" "$1" >/dev/null
  else
    "$HEY" -n 2000 -c "$CONCURRENCY" -H "Authorization: Bearer $TOKEN" "$1" >/dev/null
  fi
}

load() { # name url -> "rps p99_ms non_200 requests"; the load tool's CPU seconds in $tmp/name.cpu
  local TIMEFORMAT='%3U %3S'
  { time run_tool "$@"; } 2>"$tmp/$1.time"
  awk '{ print $1 + $2 }' "$tmp/$1.time" >"$tmp/$1.cpu"
  if [ "$TOOL" = wrk ]; then
    awk '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      /Requests\/sec:/          { rps = $2 }
      /^ +99%/                  { p99 = ms($2) }
      /Non-2xx or 3xx/          { bad = $NF }
      / requests in /           { n = $1 }
      END { printf "%.0f %.2f %d %d\n", rps, p99, bad, n }' "$tmp/$1.txt"
    return
  fi
  awk '
    /Requests\/sec:/ { rps = $2 }
    /99%+ in/        { p99 = $3 * 1000 }
    /^  \[[0-9]+\]/  { gsub(/[\[\]]/, "", $1); n += $2; if ($1 != 200) bad += $2 }
    END { printf "%.0f %.2f %d %d\n", rps, p99, bad, n }' "$tmp/$1.txt"
}

run_tool() { # name url
  if [ "$TOOL" = wrk ]; then
    wrk -t2 -c"$CONCURRENCY" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$2" >"$tmp/$1.txt"
  else
    "$HEY" -z "$DURATION" -c "$CONCURRENCY" -H "Authorization: Bearer $TOKEN" "$2" >"$tmp/$1.txt"
  fi
}

if [ "$TOOL" = wrk ]; then
  echo "GET webhook details, wrk -t2 -c$CONCURRENCY -d$DURATION, loopback, $(nproc) CPUs"
else
  echo "GET webhook details, hey -z $DURATION -c $CONCURRENCY, loopback, $(nproc) CPUs"
fi
measure() { # name url sid -> "rps p99_ms non_200 cpu_us_per_request tool_cpu_us_per_request"
  local before after rps p99 bad n
  warm_up "$2"
  before=$(session_ticks "$3")
  read -r rps p99 bad n < <(load "$1" "$2")
  after=$(session_ticks "$3")
  awk -v r="$rps" -v p="$p99" -v b="$bad" -v n="$n" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v tool="$(cat "$tmp/$1.cpu")" \
    'BEGIN { printf "%s %s %s %.1f %.1f\n", r, p, b, (n > 0 ? t / hz * 1e6 / n : 0), (n > 0 ? tool * 1e6 / n : 0) }'
}

read -r ours_rps ours_p99 ours_bad ours_cpu ours_tool < <(measure ours "$ours_url" "${pids[0]}")
read -r prism_rps prism_p99 prism_bad prism_cpu prism_tool < <(measure prism "$prism_url" "${pids[1]}")
# The load tool's CPU per request is the other half of the machine: with
# it, req/s cannot exceed CPUs / (server + tool CPU per request).
row() { printf '%-26s %9s %9s %8s %13s %15s\n' "$@"; }
row server 'req/s' 'p99 ms' 'non-200' 'CPU us/req' "$TOOL CPU us/req"
row 'mock (conformance serve)' "$ours_rps" "$ours_p99" "$ours_bad" "$ours_cpu" "$ours_tool"
row 'prism-cli 5.16.0 mock' "$prism_rps" "$prism_p99" "$prism_bad" "$prism_cpu" "$prism_tool"
awk -v a="$ours_rps" -v b="$prism_rps" -v c="$ours_cpu" -v d="$prism_cpu" 'BEGIN {
  if (b > 0) printf "ratio: %.1fx Prism'"'"'s throughput", a / b
  if (c > 0) printf "; %.1fx less server CPU per request", d / c
  print ""
}'
