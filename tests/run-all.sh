#!/usr/bin/env bash
# The whole NatEdge test suite: installs what it needs, builds, then runs every
# test project inside a fresh network namespace that has only loopback, so no
# message a test sends (to 192.0.2.x, example.com, ...) can leave the machine.
# Ends with the line "N passed, N failed".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/tests/scripts/install-deps.sh"

configuration=${CONFIGURATION:-Release}
dotnet build NatEdge.sln -c "$configuration" -nologo -clp:ErrorsOnly

results=$(mktemp -d /tmp/natedge-test-results.XXXXXX)
ns="natedge-test-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up

export NATEDGE_TEST_NETNS="$ns"
export NATEDGE_SHARED_DIR="${NATEDGE_SHARED_DIR:-$root/../shared}"
status=0
# One test assembly at a time: process tests bind ports and load the two cores, and
# running assemblies side by side makes their timing depend on each other.
ip netns exec "$ns" dotnet test NatEdge.sln -c "$configuration" --no-build -nologo -m:1 \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$files" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "no test results were produced" >&2
  failed=$((failed + 1))
fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
