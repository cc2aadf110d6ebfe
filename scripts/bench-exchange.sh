#!/usr/bin/env bash
# Judges whole exchanges, request and response, with the engine
# (BenchmarkValidateExchange) and with plain kin-openapi finding the route
# and calling ValidateRequest and ValidateResponse
# (BenchmarkKinOpenAPIExchange), in the same run and interleaved (one round
# of both, COUNT times) so that the load of a shared machine falls on both
# alike, and compares them with benchstat.
#
#   make bench-exchange            # 10 rounds
#   COUNT=20 make bench-exchange
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go test -c -o "$work/conformance.test" ./conformance
if command -v flock >/dev/null; then
  exec 9>/tmp/bench.lock
  flock 9
fi
for _ in $(seq "$COUNT"); do
  (cd conformance && "$work/conformance.test" -test.run '^$' -test.bench 'ValidateExchange|KinOpenAPIExchange' -test.benchmem) >> "$work/all.txt"
done
# The baseline under the engine's names, so that benchstat sets them side by side.
sed -n 's/^BenchmarkKinOpenAPIExchange/BenchmarkValidateExchange/p' "$work/all.txt" > "$work/kin-openapi.txt"
grep '^BenchmarkValidateExchange' "$work/all.txt" > "$work/engine.txt"
cd "$work" && go run golang.org/x/perf/cmd/benchstat@latest kin-openapi.txt engine.txt
