#!/usr/bin/env bash
# Generated requests per second against the mock over loopback
# (BenchmarkGenerate: the suite and 1,000 generated requests per run,
# writes allowed) beside the suite alone (BenchmarkGenerateBaseline), COUNT
# rounds of both, interleaved so that the load of a shared machine falls on
# both alike; prints each round and the median of exchanges/s.
#
#   make bench-generate            # 6 rounds
#   COUNT=10 make bench-generate
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-6}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go test -c -o "$work/runner.test" ./webex/runner
if command -v flock >/dev/null; then
  exec 9>/tmp/bench.lock
  flock 9
fi
for _ in $(seq "$COUNT"); do
  (cd webex/runner && "$work/runner.test" -test.run '^$' -test.bench '^BenchmarkGenerate' -test.benchtime 5x -test.benchmem) | grep '^Benchmark' | tee -a "$work/all.txt"
done
awk '/^BenchmarkGenerate-/ { for (i = 1; i <= NF; i++) if ($(i+1) == "exchanges/s") print $i }' "$work/all.txt" | sort -n |
  awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median %.0f generated exchanges/s over %d rounds (min %.0f, max %.0f)\n", m, NR, v[1], v[NR] }'
