# Sourced by the load benchmarks.
#
# session_ticks SID sums the CPU time (clock ticks) of every process in
# session SID: a server's own cost, whatever else the machine runs meanwhile.
session_ticks() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } |
    awk -v sid="$1" '{ sub(/^.*\) /, ""); if ($4 == sid) t += $12 + $13 } END { print t + 0 }'
}
