#!/usr/bin/env bash
# Loads Get Webhook Details through the validating proxy (`conformance
# proxy`) and through Prism's validating proxy of the same spec, side by
# side, both in front of the same Go upstream (a static net/http server by
# default, `conformance serve` with UPSTREAM=mock) with the same load tool
# and settings; prints requests/s, p99 latency, each process's CPU per
# request and the ratio.
# The upstream alone is measured too, as the ceiling.
#
#   make bench-proxy                     # or: bash scripts/bench-proxy.sh
#   DURATION=20s CONCURRENCY=16 bash scripts/bench-proxy.sh
#
# Everything listens on loopback only. The script holds /tmp/bench.lock
# while it runs so that measurements on a shared machine do not overlap.
set -euo pipefail

if [ -z "${BENCH_LOCK_HELD:-}" ] && command -v flock >/dev/null; then
  exec env BENCH_LOCK_HELD=1 flock /tmp/bench.lock bash "$0" "$@"
fi

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONCURRENCY=${CONCURRENCY:-16}
UPSTREAM_PORT=${UPSTREAM_PORT:-18491}
PROXY_PORT=${PROXY_PORT:-18492}
PRISM_PORT=${PRISM_PORT:-18493}
PRISM=${PRISM:-npx --yes @stoplight/prism-cli@5.16.0}
TOKEN=bench-token

HEY=${HEY:-$(command -v hey || echo "$(go env GOPATH)/bin/hey")}
if [ ! -x "$HEY" ]; then
  echo "installing hey (go install github.com/rakyll/hey@latest)" >&2
  go install github.com/rakyll/hey@latest
  HEY="$(go env GOPATH)/bin/hey"
fi

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

upstream="http://127.0.0.1:$UPSTREAM_PORT/v1"
go build -o "$tmp/conformance" ./cmd/conformance
# UPSTREAM=static (default) answers every request with one fixed, conforming
# webhook: the figures then measure the proxies, not the upstream.
# UPSTREAM=mock puts the stateful mock (conformance serve) behind them.
if [ "${UPSTREAM:-static}" = static ]; then
  mkdir -p "$tmp/upstream"
  cat >"$tmp/upstream/main.go" <<'GO'
package main

import (
	"io"
	"net/http"
	"os"
	"strings"
)

const hook = `{"id":"WEBHOOK_ID","name":"bench","targetUrl":"https://example.com/hook","resource":"messages","event":"created","status":"active","created":"2024-01-01T00:00:00Z","ownedBy":"creator","secret":"s"}`

func main() {
	http.HandleFunc("/v1/webhooks/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_BENCH")
		_, _ = io.WriteString(w, strings.Replace(hook, "WEBHOOK_ID", strings.TrimPrefix(r.URL.Path, "/v1/webhooks/"), 1))
	})
	http.HandleFunc("/v1/webhooks", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("TrackingID", "ROUTER_BENCH")
			_, _ = io.WriteString(w, strings.Replace(hook, "WEBHOOK_ID", "bench", 1))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_BENCH")
		_, _ = io.WriteString(w, `{"items":[]}`)
	})
	panic(http.ListenAndServe(os.Args[1], nil))
}
GO
  (cd "$tmp/upstream" && cat >go.mod <<<'module upstream' && go build -o "$tmp/static-upstream" .)
  # Each process runs in its own session, so that cleanup ends npx and the
  # node process it starts together.
  setsid "$tmp/static-upstream" "127.0.0.1:$UPSTREAM_PORT" 2>"$tmp/serve.log" &
else
  setsid "$tmp/conformance" serve --listen "127.0.0.1:$UPSTREAM_PORT" --token "$TOKEN" 2>"$tmp/serve.log" &
fi
pids+=($!)
setsid "$tmp/conformance" proxy --upstream "$upstream" --listen "127.0.0.1:$PROXY_PORT" \
  --format json --output "$tmp/proxy-report.json" 2>"$tmp/proxy.log" &
proxy_pid=$!
pids+=($proxy_pid)
setsid $PRISM proxy api/openapi.yaml "$upstream" -h 127.0.0.1 -p "$PRISM_PORT" >"$tmp/prism.log" 2>&1 &
pids+=($!)

wait_up() { # url, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$1"; then return 0; fi
    sleep 0.1
  done
  echo "bench-proxy: $1 did not come up in $2 s" >&2
  cat "$tmp/serve.log" "$tmp/proxy.log" "$tmp/prism.log" >&2
  exit 1
}
wait_up "$upstream/webhooks" 30
wait_up "http://127.0.0.1:$PROXY_PORT/v1/webhooks" 30
wait_up "http://127.0.0.1:$PRISM_PORT/webhooks" 180

id=$(curl -sf -X POST "$upstream/webhooks" \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"bench","targetUrl":"https://example.com/hook","resource":"messages","event":"created","secret":"s"}' |
  sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || { echo "bench-proxy: could not create a webhook" >&2; exit 1; }

direct_url="$upstream/webhooks/$id"
# Our proxy keeps the client's path; Prism's appends the spec path to the
# upstream URL.
ours_url="http://127.0.0.1:$PROXY_PORT/v1/webhooks/$id"
prism_url="http://127.0.0.1:$PRISM_PORT/webhooks/$id"

for u in "$direct_url" "$ours_url" "$prism_url"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$u")
  [ "$code" = 200 ] || { echo "bench-proxy: GET $u answered $code" >&2; exit 1; }
done

. scripts/session-ticks.sh

# load name url proxy_sid -> "rps p99_ms non200 proxy_cpu upstream_cpu hey_cpu",
# each CPU figure in microseconds per request (the proxy's is 0 without one).
load() {
  "$HEY" -n 2000 -c "$CONCURRENCY" -H "Authorization: Bearer $TOKEN" "$2" >/dev/null # warm-up
  local TIMEFORMAT='%3U %3S' p0 p1 u0 u1
  p0=$(session_ticks "$3")
  u0=$(session_ticks "${pids[0]}")
  { time "$HEY" -z "$DURATION" -c "$CONCURRENCY" -H "Authorization: Bearer $TOKEN" "$2" >"$tmp/$1.txt"; } 2>"$tmp/$1.time"
  p1=$(session_ticks "$3")
  u1=$(session_ticks "${pids[0]}")
  awk -v p=$((p1 - p0)) -v u=$((u1 - u0)) -v hz="$(getconf CLK_TCK)" -v tool="$(awk '{ print $1 + $2 }' "$tmp/$1.time")" '
    /Requests\/sec:/ { rps = $2 }
    /99%+ in/        { p99 = $3 * 1000 }
    /^  \[[0-9]+\]/  { gsub(/[\[\]]/, "", $1); n += $2; if ($1 != 200) bad += $2 }
    END {
      if (n == 0) n = 1
      printf "%.0f %.2f %d %.1f %.1f %.1f\n", rps, p99, bad, p / hz * 1e6 / n, u / hz * 1e6 / n, tool * 1e6 / n
    }' "$tmp/$1.txt"
}

echo "GET webhook details through a validating proxy, ${UPSTREAM:-static} upstream, hey -z $DURATION -c $CONCURRENCY, loopback, $(nproc) CPUs"
read -r direct_rps direct_p99 direct_bad _ direct_up direct_hey < <(load direct "$direct_url" 0)
read -r ours_rps ours_p99 ours_bad ours_cpu ours_up ours_hey < <(load ours "$ours_url" "$proxy_pid")
read -r prism_rps prism_p99 prism_bad prism_cpu prism_up prism_hey < <(load prism "$prism_url" "${pids[2]}")

# The proxy writes its report on SIGTERM: it must hold every exchange.
kill -TERM -- "-$proxy_pid" 2>/dev/null || kill -TERM "$proxy_pid"
wait "$proxy_pid" || true
judged=$(sed -n 's/.*requests forwarded, \([0-9]*\) judged.*/\1/p' "$tmp/proxy.log")
forwarded=$(sed -n 's/.*conformance proxy: \([0-9]*\) requests forwarded.*/\1/p' "$tmp/proxy.log")

# CPU us/req: what each process spent per request. With hey and the
# upstream on the same CPUs, req/s cannot exceed CPUs / (their sum).
row() { printf '%-34s %9s %8s %8s %10s %10s %10s\n' "$@"; }
row path 'req/s' 'p99 ms' 'non-200' 'proxy CPU' 'upstr CPU' 'hey CPU'
row "upstream alone (${UPSTREAM:-static})" "$direct_rps" "$direct_p99" "$direct_bad" - "$direct_up" "$direct_hey"
row 'conformance proxy' "$ours_rps" "$ours_p99" "$ours_bad" "$ours_cpu" "$ours_up" "$ours_hey"
row 'prism-cli 5.16.0 proxy' "$prism_rps" "$prism_p99" "$prism_bad" "$prism_cpu" "$prism_up" "$prism_hey"
echo "(CPU columns in us per request)"
echo "conformance proxy judged ${judged:-?} of ${forwarded:-?} exchanges"
awk -v a="$ours_rps" -v b="$prism_rps" 'BEGIN { if (b > 0) printf "ratio: %.1fx Prism'"'"'s throughput\n", a / b }'
