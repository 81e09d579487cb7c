#!/usr/bin/env bash
# One bounded SIPp run against NatEdge's proxy started here on loopback, optionally the same run
# against Kamailio (Debian package) for a NatEdge/peer ratio. Appends one results line per run to
# $LOADTEST_OUT/sip-runs.log (default loadtest/results/). See loadtest/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

usage() {
  cat <<'EOF'
usage: loadtest/run-sip.sh --scenario register|options [options]
  --scenario NAME     register (REGISTER, no auth) or options (OPTIONS to the proxy itself)
  --rate N            calls per second offered by SIPp (default 50)
  --duration S        seconds of load; SIPp places rate*duration calls (default 3)
  --transport T       SIPp -t: u1 (one UDP socket, default), un, t1, tn
  --config FILE       NatEdge route script (default: stage1-hello.cfg for register, natedge.cfg for options)
  --proxy-dll FILE    built natedge-proxy.dll (default $NATEDGE_PROXY_DLL, else src/Proxy/bin/{Release,Debug})
  --port P            proxy port on 127.0.0.1 (default: a free port in 20000-29999)
  --peer kamailio     also run the same scenario against Kamailio and print the ratio
  --install-peer      apt-get install kamailio if it is missing (only with --peer)
  --out DIR           results folder (default $LOADTEST_OUT, else loadtest/results)
  --keep              copy SIPp's raw files (stat, rtt, errors, screen) to OUT/runs/
EOF
}

fail() { echo "run-sip: $*" >&2; exit 2; }

scenario=""; rate=50; duration=3; transport=u1; config=""; proxy_dll="${NATEDGE_PROXY_DLL:-}"
port=""; peer=""; install_peer=no; keep=no; out="${LOADTEST_OUT:-$here/results}"
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) scenario=${2:?}; shift 2 ;;
    --rate) rate=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --transport) transport=${2:?}; shift 2 ;;
    --config) config=${2:?}; shift 2 ;;
    --proxy-dll) proxy_dll=${2:?}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    --peer) peer=${2:?}; shift 2 ;;
    --install-peer) install_peer=yes; shift ;;
    --keep) keep=yes; shift ;;
    --out) out=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fail "unknown argument $1" ;;
  esac
done

case "$scenario" in
  register) scenario_file="$here/sipp/register_uac.xml"; default_config="$root/config/stage1-hello.cfg"; kamailio_config=stage_a_hello.cfg ;;
  options) scenario_file="$here/sipp/options_uac.xml"; default_config="$root/config/natedge.cfg"; kamailio_config=stage_a_hello.cfg ;;
  *) usage >&2; fail "--scenario must be register or options" ;;
esac
[[ "$rate" =~ ^[0-9]+$ && "$rate" -gt 0 ]] || fail "--rate must be a positive whole number"
[[ "$duration" =~ ^[0-9]+$ && "$duration" -gt 0 && "$duration" -le 600 ]] || fail "--duration must be 1..600 seconds"
[[ "$transport" =~ ^(u1|un|t1|tn)$ ]] || fail "--transport must be u1, un, t1 or tn"
[ -z "$peer" ] || [ "$peer" = kamailio ] || fail "--peer supports only kamailio"
config=${config:-$default_config}
[ -f "$config" ] || fail "config $config not found"
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")
command -v sipp >/dev/null || fail "sipp is not installed (Debian package sip-tester)"
command -v dotnet >/dev/null || fail "dotnet is not on PATH"
if [ -z "$proxy_dll" ]; then
  for candidate in "$root"/src/Proxy/bin/Release/net*/natedge-proxy.dll "$root"/src/Proxy/bin/Debug/net*/natedge-proxy.dll; do
    if [ -f "$candidate" ]; then proxy_dll=$candidate; break; fi
  done
fi
[ -n "$proxy_dll" ] && [ -f "$proxy_dll" ] || fail "natedge-proxy.dll not found: build src/Proxy or pass --proxy-dll"

calls=$((rate * duration))
clock_ticks=$(getconf CLK_TCK)
mkdir -p "$out"
work=$(mktemp -d /tmp/natedge-loadtest.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

port_in_use() { ss -Huln "sport = :$1" 2>/dev/null | grep -q . || ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

free_port() {
  local candidate
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 10000))
    if ! port_in_use "$candidate"; then echo "$candidate"; return 0; fi
  done
  fail "no free port found in 20000-29999 after 50 tries"
}

# utime+stime in clock ticks of PID and its direct children (Kamailio forks its workers).
cpu_ticks() {
  local pid=$1 total=0 fields stat
  for stat in /proc/[0-9]*/stat; do
    fields=$(sed 's/^.*) //' "$stat" 2>/dev/null) || continue
    set -- $fields
    # after the command name: $1 state, $2 ppid, $12 utime, $13 stime
    if [ "${stat#/proc/}" = "$pid/stat" ] || [ "$2" = "$pid" ]; then
      total=$((total + ${12} + ${13}))
    fi
  done
  echo "$total"
}

wait_for_line() {  # file, text, seconds, pid
  local tries=$(( $3 * 10 ))
  for _ in $(seq 1 "$tries"); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || { tail -20 "$1" >&2; fail "server exited before it was ready"; }
    sleep 0.1
  done
  tail -20 "$1" >&2
  fail "server did not print '$2' within $3 s"
}

wait_for_udp_listen() {  # port, seconds, pid
  for _ in $(seq 1 $(( $2 * 10 ))); do
    port_in_use "$1" && return 0
    kill -0 "$3" 2>/dev/null || fail "server exited before it listened"
    sleep 0.1
  done
  fail "nothing listens on 127.0.0.1:$1 after $2 s"
}

start_natedge() {
  local dir="$work/natedge"
  mkdir -p "$dir"
  (cd "$dir" && exec dotnet "$proxy_dll" run --config "$config" \
      --listen "udp:127.0.0.1:$port" --listen "tcp:127.0.0.1:$port" >"$dir/proxy.log" 2>&1) &
  server_pid=$!
  wait_for_line "$dir/proxy.log" "NatEdge proxy started" 20 "$server_pid"
}

start_kamailio() {
  local dir="$work/kamailio" source="${KAMAILIO_BENCH_CFG_DIR:-/work/shared/bench/kamailio}/$kamailio_config"
  mkdir -p "$dir"
  if ! command -v kamailio >/dev/null; then
    [ "$install_peer" = yes ] || fail "kamailio is not installed: pass --install-peer or apt-get install kamailio"
    apt-get install -y --no-install-recommends kamailio >/dev/null || fail "apt-get install kamailio failed"
  fi
  [ -f "$source" ] || fail "Kamailio config $source not found (set KAMAILIO_BENCH_CFG_DIR)"
  # Same port as NatEdge's run; OPTIONS to the proxy itself answered 200 as NatEdge's natedge.cfg does.
  sed -e "s/127\.0\.0\.1:5060/127.0.0.1:$port/g" \
      -e 's/^\tif (is_method("REGISTER")) {/\tif (is_method("OPTIONS") \&\& uri==myself \&\& $rU==$null) { sl_send_reply("200", "OK"); exit; }\n&/' \
      "$source" >"$dir/kamailio.cfg"
  kamailio -c -f "$dir/kamailio.cfg" >"$dir/check.log" 2>&1 || { cat "$dir/check.log" >&2; fail "Kamailio rejected its config"; }
  kamailio -DD -E -f "$dir/kamailio.cfg" -P "$dir/kamailio.pid" -Y "$dir" -m 256 -M 16 >"$dir/kamailio.log" 2>&1 &
  server_pid=$!
  wait_for_udp_listen "$port" 10 "$server_pid"
  sleep 0.5   # workers are forked after the socket is bound
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# Percentile (nearest rank) of column 2 of SIPp's rtt files, in ms.
percentile() {
  local p=$1 dir=$2
  cat "$dir"/*_rtt.csv 2>/dev/null | awk -F';' '$2 ~ /^[0-9.]+$/ { print $2 }' | sort -g |
    awk -v p="$p" '{ v[NR] = $1 } END { if (NR == 0) { print "NA"; exit } i = int((p * NR + 99) / 100); if (i < 1) i = 1; printf "%.3f\n", v[i] }'
}

stat_field() {  # dir, column name: value from the last line of SIPp's stat file
  awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } NF > 1 { last = $c } END { print (last == "" ? "NA" : last) }' "$1/stat.csv"
}

# Runs the scenario against the server on $port; prints the results line.
run_sipp() {
  local implementation=$1 server_config=$2 dir="$work/sipp-$1" sipp_port started ended before after exit_code=0
  mkdir -p "$dir"
  sipp_port=$(free_port)
  before=$(cpu_ticks "$server_pid")
  started=$(date +%s.%N)
  (cd "$dir" && timeout $((duration + 40)) sipp "127.0.0.1:$port" -sf "$scenario_file" -s 1000 \
      -t "$transport" -i 127.0.0.1 -p "$sipp_port" -r "$rate" -rp 1000 -m "$calls" \
      -timeout "$((duration + 30))s" -timeout_error -recv_timeout 5000 -nostdin \
      -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 -trace_err -error_file errors.log \
      >sipp.out 2>&1) || exit_code=$?
  ended=$(date +%s.%N)
  after=$(cpu_ticks "$server_pid")
  [ -f "$dir/stat.csv" ] || { tail -20 "$dir/sipp.out" >&2; fail "SIPp wrote no stat file (exit $exit_code)"; }
  local successful failed cpu_s wall_s p50 p99 us_per_call
  successful=$(stat_field "$dir" "SuccessfulCall(C)")
  failed=$(stat_field "$dir" "FailedCall(C)")
  p50=$(percentile 50 "$dir"); p99=$(percentile 99 "$dir")
  cpu_s=$(awk -v t=$((after - before)) -v hz="$clock_ticks" 'BEGIN { printf "%.2f", t / hz }')
  wall_s=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')
  us_per_call=$(awk -v c="$cpu_s" -v n="$successful" 'BEGIN { if (n > 0) printf "%.1f", c * 1e6 / n; else print "NA" }')
  if [ "$keep" = yes ]; then
    mkdir -p "$out/runs"
    cp -r "$dir" "$out/runs/$(date -u +%Y%m%dT%H%M%S)-$implementation-$scenario-$rate"
  fi
  if [ "$exit_code" -ne 0 ] && [ -s "$dir/errors.log" ]; then
    echo "run-sip: SIPp exited $exit_code; first errors:" >&2
    head -5 "$dir/errors.log" >&2
  fi
  printf 'time=%s impl=%s scenario=%s transport=%s rate=%s duration_s=%s calls=%s successful=%s failed=%s p50_ms=%s p99_ms=%s proxy_cpu_s=%s cpu_us_per_call=%s wall_s=%s sipp_exit=%s config=%s\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$implementation" "$scenario" "$transport" "$rate" "$duration" "$calls" \
    "$successful" "$failed" "$p50" "$p99" "$cpu_s" "$us_per_call" "$wall_s" "$exit_code" "$server_config"
}

field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

port=${port:-$(free_port)}
start_natedge
natedge_line=$(run_sipp natedge "$(basename "$config")")
stop_server
echo "$natedge_line" | tee -a "$out/sip-runs.log"
status=0
[ "$(field "$natedge_line" failed)" = 0 ] && [ "$(field "$natedge_line" successful)" = "$calls" ] || status=1

if [ "$peer" = kamailio ]; then
  start_kamailio
  peer_line=$(run_sipp kamailio "$kamailio_config")
  stop_server
  echo "$peer_line" | tee -a "$out/sip-runs.log"
  awk -v nc="$(field "$natedge_line" cpu_us_per_call)" -v kc="$(field "$peer_line" cpu_us_per_call)" \
      -v nw="$(field "$natedge_line" wall_s)" -v kw="$(field "$peer_line" wall_s)" -v n="$calls" \
    'BEGIN { printf "ratio natedge/kamailio: achieved rate %.2f, proxy CPU per call %s\n", (kw > 0 && nw > 0) ? kw / nw : 0, (kc > 0 && nc != "NA") ? sprintf("%.2f", nc / kc) : "NA" }' |
    tee -a "$out/sip-runs.log"
fi
exit "$status"
