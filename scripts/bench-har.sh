#!/usr/bin/env bash
# Replays one large HAR recording, whole process, with
# `conformance validate --har` (requests and responses judged, the JSON
# report written to a file) and with plain kin-openapi (bench/kinreplay:
# encoding/json, gorillamux FindRoute, openapi3filter.ValidateResponse with
# IncludeResponseStatus and MultiError: responses only, no report), and
# prints both medians and their ratio.
#
#   make bench-har                 # 40,000 entries, 10 runs each
#   N=100000 RUNS=5 make bench-har
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-40000}
RUNS=${RUNS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/conformance" ./cmd/conformance
go build -o "$work/kinreplay" ./bench/kinreplay
go run ./bench/hargen -n "$N" > "$work/webhooks.har"
echo "recording: $N entries, $(du -h "$work/webhooks.har" | cut -f1)"

ours=("$work/conformance" validate --har "$work/webhooks.har" --format json --output "$work/report.json")
kin=("$work/kinreplay" "$work/webhooks.har")

# Both must read the whole recording; validate exits 1 because the recording
# holds deviating responses on purpose, so only 2 and up is a failure.
rc=0
"${ours[@]}" 2> "$work/stderr.txt" || rc=$?
if [ "$rc" -gt 1 ]; then
  echo "conformance validate failed (exit $rc)" >&2
  cat "$work/stderr.txt" >&2
  exit 1
fi
echo "conformance validate: $(tail -1 "$work/stderr.txt"), report $(du -h "$work/report.json" | cut -f1)"
echo "kin-openapi replay:   $("${kin[@]}")"

# The machine may be shared: hold the benchmark lock while timing.
if command -v flock >/dev/null; then
  exec 9>/tmp/bench.lock
  flock 9
fi

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs "$RUNS" -N --ignore-failure \
    --export-csv "$work/times.csv" \
    -n "conformance validate --har" "${ours[*]}" \
    -n "kin-openapi replay" "${kin[*]}"
  # columns: command,mean,stddev,median,...
  read -r ours_s kin_s < <(awk -F, 'NR > 1 {printf "%s ", $4} END {print ""}' "$work/times.csv")
else
  echo "hyperfine not found: timing with /usr/bin/time, median of $RUNS runs"
  median() { # median wall-clock seconds of $RUNS runs of "$@"
    local t="$work/t.$RANDOM"
    for _ in $(seq "$RUNS"); do
      /usr/bin/time -o "$t" -a -f %e "$@" >/dev/null 2>&1 || true
    done
    sort -n "$t" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
  }
  ours_s=$(median "${ours[@]}")
  kin_s=$(median "${kin[@]}")
fi

awk -v o="$ours_s" -v k="$kin_s" -v n="$N" 'BEGIN {
  printf "median: conformance validate --har %.3f s, kin-openapi replay %.3f s (%d entries)\n", o, k, n
  printf "conformance validate --har is %.2fx faster\n", k / o
}'
