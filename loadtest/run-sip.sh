#!/usr/bin/env bash
# SIPp load against NatEdge's proxy started here on loopback: one bounded run (--rate) or a rate
# search (--rates), optionally the same scenario and rates against Kamailio (Debian package) in the
# same invocation, with the ratio NatEdge/peer. Appends one line per run to $LOADTEST_OUT/sip-runs.log
# (default loadtest/results/) and writes a results file per search. See loadtest/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

usage() {
  cat <<'EOF_USAGE'
usage: loadtest/run-sip.sh --scenario NAME (--rate N | --rates N1,N2,...) [options]
  --scenario NAME     register   REGISTER without auth
                      regauth    REGISTER with digest auth, users from an injection file
                      call       INVITE/180/200/ACK/BYE through the proxy, no auth
                      callauth   the same call with proxy auth (INVITE/407/ACK/INVITE...)
                      options    OPTIONS to the proxy itself
  --rate N            one run at N calls/s (default 50)
  --rates LIST        rate search: each rate in turn, ascending, stopping after two failing steps in
                      a row; then one rate halfway between the best pass and the next failure
  --duration S        seconds of load per step; SIPp places rate*duration calls (default 3)
  --warmup S          unrecorded seconds at the first rate before the runs (default 2 with --rates, else 0)
  --transport T       SIPp -t: u1 (one UDP socket, default), un, t1, tn
  --users N           accounts in the injection file of the auth scenarios (default 1000, at most 10000)
  --config FILE       NatEdge route script (default: config/stage1-hello.cfg, or stage2-auth-db.cfg
                      for the auth scenarios with its db_url pointed at a SQLite file prepared by ctl)
  --proxy-dll FILE    built natedge-proxy.dll (default $NATEDGE_PROXY_DLL, else src/Proxy/bin/{Release,Debug})
  --port P            proxy port on 127.0.0.1 (default: a free port in 20000-29999)
  --peer kamailio     also run the same scenario and rates against Kamailio and print the ratio
  --install-peer      apt-get install the peer's packages if they are missing (only with --peer)
  --out DIR           results folder (default $LOADTEST_OUT, else loadtest/results)
  --keep              copy SIPp's raw files (stat, rtt, counts, errors) to OUT/runs/
EOF_USAGE
}

fail() { echo "run-sip: $*" >&2; exit 2; }

scenario=""; rate_list=""; duration=3; transport=u1; config=""; proxy_dll="${NATEDGE_PROXY_DLL:-}"
port=""; peer=""; install_peer=no; keep=no; out="${LOADTEST_OUT:-$here/results}"; users=1000; search=no; warmup=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) scenario=${2:?}; shift 2 ;;
    --rate) rate_list=${2:?}; shift 2 ;;
    --rates) rate_list=${2:?}; search=yes; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --warmup) warmup=${2:?}; shift 2 ;;
    --transport) transport=${2:?}; shift 2 ;;
    --users) users=${2:?}; shift 2 ;;
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

# Per scenario: UAC scenario, NatEdge config, Kamailio config, whether a callee UAS runs, auth.
auth=no; with_uas=no
case "$scenario" in
  register) scenario_file=register_uac.xml; default_config=stage1-hello.cfg; kamailio_config=stage_a_hello.cfg ;;
  options) scenario_file=options_uac.xml; default_config=natedge.cfg; kamailio_config=stage_a_hello.cfg ;;
  regauth) scenario_file=register_auth_users_uac.xml; default_config=stage2-auth-db.cfg; kamailio_config=stage_b_auth.cfg; auth=yes ;;
  call) scenario_file=call_uac.xml; default_config=stage1-hello.cfg; kamailio_config=stage_a_hello.cfg; with_uas=yes ;;
  callauth) scenario_file=call_auth_uac.xml; default_config=stage2-auth-db.cfg; kamailio_config=stage_b_auth.cfg; with_uas=yes; auth=yes ;;
  *) usage >&2; fail "--scenario must be register, regauth, call, callauth or options" ;;
esac
scenario_file="$here/sipp/$scenario_file"
rate_list=${rate_list:-50}
[[ "$rate_list" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || fail "--rate/--rates must be positive whole numbers separated by commas"
IFS=, read -r -a rates <<<"$rate_list"
[[ "$duration" =~ ^[0-9]+$ && "$duration" -gt 0 && "$duration" -le 600 ]] || fail "--duration must be 1..600 seconds"
[ -n "$warmup" ] || { [ "$search" = yes ] && warmup=2 || warmup=0; }
[[ "$warmup" =~ ^[0-9]+$ && "$warmup" -le 30 ]] || fail "--warmup must be 0..30 seconds"
[[ "$transport" =~ ^(u1|un|t1|tn)$ ]] || fail "--transport must be u1, un, t1 or tn"
[[ "$users" =~ ^[0-9]+$ && "$users" -gt 0 && "$users" -le 10000 ]] || fail "--users must be 1..10000"
[ -z "$peer" ] || [ "$peer" = kamailio ] || fail "--peer supports only kamailio"
config=${config:-$root/config/$default_config}
[ -f "$config" ] || fail "config $config not found"
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")
command -v sipp >/dev/null || fail "sipp is not installed (Debian package sip-tester)"
command -v dotnet >/dev/null || fail "dotnet is not on PATH"
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing (Debian package time)"
if [ -z "$proxy_dll" ]; then
  for candidate in "$root"/src/Proxy/bin/Release/net*/natedge-proxy.dll "$root"/src/Proxy/bin/Debug/net*/natedge-proxy.dll; do
    if [ -f "$candidate" ]; then proxy_dll=$candidate; break; fi
  done
fi
[ -n "$proxy_dll" ] && [ -f "$proxy_dll" ] || fail "natedge-proxy.dll not found: build src/Proxy -c Release or pass --proxy-dll"
[ "$auth" = no ] || python3 -c "import sqlite3" 2>/dev/null || fail "python3 with its sqlite3 module is missing: it fills the subscriber table"

# The callee of the call scenarios: registered from the UAS's port before the load starts.
callee=uas; callee_password=uaspw; uas_port=""; uac_port=""
hold_s=0; [ "$with_uas" = no ] || hold_s=1   # the call scenarios take about 0.6 s from INVITE to the BYE's 200
clock_ticks=$(getconf CLK_TCK)
mkdir -p "$out"
work=$(mktemp -d /tmp/natedge-loadtest.XXXXXX)
server_pid=""; db_pid=""; started_db=no
cleanup() {
  stop_server
  if [ "$started_db" = yes ] && [ -n "$db_pid" ]; then
    kill -TERM "$db_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$db_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
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

# utime+stime in clock ticks of PID (all its threads) and its direct children (Kamailio's workers).
cpu_ticks() {
  local pid=$1 total=0 fields stat
  [ -n "$pid" ] || { echo 0; return; }
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

seconds_of() { awk -v t="$1" -v hz="$clock_ticks" 'BEGIN { printf "%.2f", t / hz }'; }

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

# SIPp injection file: user00000.. with password = user name (the shared bench's subscribers).
write_users() {
  local file=$1
  echo SEQUENTIAL >"$file"
  awk -v n="$users" 'BEGIN { for (i = 0; i < n; i++) { u = sprintf("user%05d", i); printf "%s;[authentication username=%s password=%s]\n", u, u, u } }' >>"$file"
}

# NatEdge's auth store: ctl creates the tables and the callee, the load accounts are copied into the
# table ctl made (a process start per account would take minutes), with HA1 = MD5(user:realm:password).
prepare_natedge_store() {
  local db=$1 realm=127.0.0.1 ctl_log="$work/natedge/ctl.log"
  dotnet "$proxy_dll" ctl --db-url "sqlite:$db" db init >"$ctl_log" 2>&1 || { cat "$ctl_log" >&2; fail "ctl db init failed"; }
  dotnet "$proxy_dll" ctl --db-url "sqlite:$db" user add "$callee@$realm" "$callee_password" >>"$ctl_log" 2>&1 ||
    { cat "$ctl_log" >&2; fail "ctl user add failed"; }
  python3 - "$db" "$realm" "$users" <<'PY' || fail "could not add the load accounts to $db"
import hashlib, sqlite3, sys
db, realm, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
md5 = lambda s: hashlib.md5(s.encode()).hexdigest()
con = sqlite3.connect(db)
template = con.execute("SELECT * FROM subscriber LIMIT 1")
columns = [d[0] for d in template.description]
rows = []
for i in range(n):
    u = "user%05d" % i
    values = {"username": u, "domain": realm, "password": u, "ha1": md5(f"{u}:{realm}:{u}"), "ha1b": md5(f"{u}@{realm}:{realm}:{u}")}
    rows.append(values)
keys = [c for c in columns if c in rows[0]]
con.executemany(f"INSERT INTO subscriber ({','.join(keys)}) VALUES ({','.join('?' * len(keys))})", [[r[k] for k in keys] for r in rows])
con.commit()
PY
}

start_natedge() {
  local dir="$work/natedge" run_config="$config"
  mkdir -p "$dir"
  if [ "$auth" = yes ]; then
    prepare_natedge_store "$dir/natedge.db"
    # Registrations kept in memory (db_mode 0), as Kamailio's stage (b) keeps them.
    sed -e "s|mysql://natedge:secret@localhost/natedge|sqlite:$dir/natedge.db|" \
        -e 's/modparam("usrloc", "db_mode", 2)/modparam("usrloc", "db_mode", 0)/' "$config" >"$dir/proxy.cfg"
    run_config="$dir/proxy.cfg"
  fi
  (cd "$dir" && exec dotnet "$proxy_dll" run --config "$run_config" \
      --listen "udp:127.0.0.1:$port" --listen "tcp:127.0.0.1:$port" >"$dir/proxy.log" 2>&1) &
  server_pid=$!
  wait_for_line "$dir/proxy.log" "NatEdge proxy started" 20 "$server_pid"
}

# MariaDB for Kamailio's auth_db: reuse a running server that has the bench's subscribers, otherwise
# start one with the shared bench's scripts (copied, as that folder is read-only) and stop it at exit.
prepare_mariadb() {
  local bench="$work/bench" mysql_cli=(mariadb --socket=/run/mysqld/mysqld.sock -uroot)
  command -v mariadbd >/dev/null || fail "mariadbd is missing (Debian package mariadb-server)"
  cp -r "${KAMAILIO_BENCH_DIR:-/work/shared/bench}/." "$bench"
  if ! "${mysql_cli[@]}" -e "SELECT 1" >/dev/null 2>&1; then
    BENCH_OUT="$bench/results" bash "$bench/scripts/mariadb_start.sh" >"$work/mariadb-start.log" 2>&1 ||
      { cat "$work/mariadb-start.log" >&2; fail "MariaDB did not start"; }
    db_pid=$(cat "$bench/results/mariadb.pid"); started_db=yes
  else
    db_pid=$(pgrep -o -x mariadbd || true)
  fi
  local count
  count=$("${mysql_cli[@]}" -N -e "SELECT COUNT(*) FROM kamailio.subscriber WHERE username LIKE 'user%'" 2>/dev/null || echo 0)
  if [ "${count:-0}" -lt "$users" ]; then
    BENCH_OUT="$bench/results" bash "$bench/scripts/db_setup.sh" >"$work/db-setup.log" 2>&1 ||
      { cat "$work/db-setup.log" >&2; fail "the shared bench's db_setup.sh failed"; }
  fi
}

start_kamailio() {
  local dir="$work/kamailio" source="${KAMAILIO_BENCH_DIR:-/work/shared/bench}/kamailio/$kamailio_config"
  mkdir -p "$dir"
  if ! command -v kamailio >/dev/null || { [ "$auth" = yes ] && [ ! -f /usr/lib/x86_64-linux-gnu/kamailio/modules/db_mysql.so ]; }; then
    [ "$install_peer" = yes ] || fail "kamailio (and kamailio-mysql-modules for auth) missing: pass --install-peer"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends kamailio kamailio-mysql-modules >/dev/null ||
      fail "apt-get install kamailio failed"
  fi
  [ -f "$source" ] || fail "Kamailio config $source not found (set KAMAILIO_BENCH_DIR)"
  [ "$auth" = no ] || prepare_mariadb
  # Same port as NatEdge's run, its own control socket; callers in domain 127.0.0.1 are local users
  # (SIPp's From carries no port, so "from_uri == myself" alone would skip the INVITE challenge);
  # OPTIONS to the proxy itself answered 200 as NatEdge's natedge.cfg does.
  sed -e "s/127\.0\.0\.1:5060/127.0.0.1:$port/g" \
      -e 's/is_method("INVITE") \&\& from_uri == myself/is_method("INVITE") \&\& (from_uri == myself || $fd == "127.0.0.1")/' \
      -e "s|unix:/run/kamailio/kamailio_ctl|unix:$dir/kamailio_ctl|" \
      -e 's/^\tif (is_method("REGISTER")) {/\tif (is_method("OPTIONS") \&\& uri==myself \&\& $rU==$null) { sl_send_reply("200", "OK"); exit; }\n&/' \
      "$source" >"$dir/kamailio.cfg"
  kamailio -c -f "$dir/kamailio.cfg" >"$dir/check.log" 2>&1 || { cat "$dir/check.log" >&2; fail "Kamailio rejected its config"; }
  kamailio -DD -E -f "$dir/kamailio.cfg" -P "$dir/kamailio.pid" -Y "$dir" -m 1024 -M 16 >"$dir/kamailio.log" 2>&1 &
  server_pid=$!
  wait_for_udp_listen "$port" 10 "$server_pid"
  sleep 1   # workers are forked after the socket is bound
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

# Challenges SIPp received (401/407), from its -trace_counts file: the counts file has one column
# per scenario message, "<index>_<code>_Recv" holding how many arrived.
challenges_received() {
  cat "$1"/*_counts.csv 2>/dev/null | awk -F';' '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+_40[17]_Recv$/) c[i] = 1; next }
    NF > 1 { t = 0; for (i in c) t += $i; last = t }
    END { print (last == "" ? 0 : last) }'
}

# /usr/bin/time's last line (a line before it says when the command exited non-zero).
time_cpu_s() { awk 'END { if (NF == 2) printf "%.2f", $1 + $2; else print "NA" }' "$1" 2>/dev/null || echo NA; }

sipp_common() {  # the arguments every SIPp run here shares
  echo -t "$transport" -i 127.0.0.1 -nostdin -max_socket 5000 -buff_size 4194304 -recv_timeout 5000
}

register_callee() {  # dir, uas port
  local args=(-sf "$here/sipp/register_uac.xml" -s "$callee")
  [ "$auth" = no ] || args=(-sf "$here/sipp/register_auth_uac.xml" -s "$callee" -au "$callee" -ap "$callee_password")
  (cd "$1" && timeout 20 sipp "127.0.0.1:$port" "${args[@]}" $(sipp_common) -p "$2" -m 1 -timeout 10s -timeout_error \
      >register-callee.out 2>&1) || { tail -5 "$1/register-callee.out" >&2; fail "the callee $callee could not register"; }
}

# Runs the scenario at $1 calls/s against the server on $port; prints the results line.
run_step() {
  local implementation=$1 rate=$2 server_config=$3 dir uas_pid="" started ended before after db_before db_after exit_code=0
  local calls=$((rate * duration)) extra=()
  dir="$work/sipp-$implementation-$rate-$RANDOM"
  mkdir -p "$dir"
  case "$scenario" in
    regauth) write_users "$dir/users.csv"; extra=(-inf "$dir/users.csv") ;;
    callauth) write_users "$dir/users.csv"; extra=(-inf "$dir/users.csv" -s "$callee") ;;
    call) extra=(-s "$callee") ;;
    *) extra=(-s 1000) ;;
  esac
  if [ "$with_uas" = yes ]; then
    (cd "$dir" && exec /usr/bin/time -f '%U %S' -o uas.time timeout $((duration + 45)) sipp -sf "$here/sipp/call_answer_uas.xml" \
        $(sipp_common) -p "$uas_port" -m "$calls" -trace_err -error_file uas-errors.log >uas.out 2>&1) &
    uas_pid=$!
    sleep 0.5
  fi
  before=$(cpu_ticks "$server_pid"); db_before=$(cpu_ticks "$db_pid")
  started=$(date +%s.%N)
  (cd "$dir" && /usr/bin/time -f '%U %S' -o uac.time timeout $((duration + 40)) sipp "127.0.0.1:$port" -sf "$scenario_file" \
      "${extra[@]}" $(sipp_common) -p "$uac_port" -r "$rate" -rp 1000 -m "$calls" -l $((rate * 5 + 100)) \
      -timeout "$((duration + 30))s" -timeout_error \
      -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 -trace_counts -trace_err -error_file errors.log \
      >sipp.out 2>&1) || exit_code=$?
  ended=$(date +%s.%N)
  after=$(cpu_ticks "$server_pid"); db_after=$(cpu_ticks "$db_pid")
  if [ -n "$uas_pid" ]; then
    for _ in $(seq 1 50); do kill -0 "$uas_pid" 2>/dev/null || break; sleep 0.1; done
    pkill -TERM -P "$uas_pid" timeout 2>/dev/null || true
    wait "$uas_pid" 2>/dev/null || true
  fi
  [ -f "$dir/stat.csv" ] || { tail -20 "$dir/sipp.out" >&2; fail "SIPp wrote no stat file (exit $exit_code)"; }
  local successful failed cpu_s wall_s p50 p99 per_1000 challenges=NA verdict=pass reason=""
  successful=$(stat_field "$dir" "SuccessfulCall(C)")
  failed=$(stat_field "$dir" "FailedCall(C)")
  p50=$(percentile 50 "$dir"); p99=$(percentile 99 "$dir")
  cpu_s=$(seconds_of $((after - before)))
  wall_s=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')
  per_1000=$(awk -v c="$cpu_s" -v n="$successful" 'BEGIN { if (n > 0) printf "%.3f", c * 1000 / n; else print "NA" }')
  if [ "$auth" = yes ]; then
    challenges=$(challenges_received "$dir")
    [ "$challenges" -ge "$successful" ] 2>/dev/null || { verdict=fail; reason+="unchallenged,"; }
  fi
  awk -v f="$failed" -v n="$calls" 'BEGIN { exit !(f != "NA" && f * 1000 < n) }' || { verdict=fail; reason+="failed>=0.1%,"; }
  awk -v s="$successful" -v f="$failed" -v n="$calls" 'BEGIN { exit !(s + f >= n) }' || { verdict=fail; reason+="calls-missing,"; }
  awk -v p="$p99" 'BEGIN { exit !(p != "NA" && p < 200) }' || { verdict=fail; reason+="p99>=200ms,"; }
  awk -v w="$wall_s" -v n="$calls" -v r="$rate" -v h="$hold_s" 'BEGIN { exit !(w <= 1.1 * n / r + 2 + h) }' || { verdict=fail; reason+="behind,"; }
  if [ "$keep" = yes ]; then
    mkdir -p "$out/runs"
    cp -r "$dir" "$out/runs/$(date -u +%Y%m%dT%H%M%S)-$implementation-$scenario-$rate"
  fi
  if [ "$exit_code" -ne 0 ] && [ -s "$dir/errors.log" ]; then
    echo "run-sip: SIPp exited $exit_code; first errors:" >&2
    head -5 "$dir/errors.log" >&2
  fi
  printf 'time=%s impl=%s scenario=%s transport=%s rate=%s duration_s=%s calls=%s successful=%s failed=%s challenges=%s p50_ms=%s p99_ms=%s proxy_cpu_s=%s cpu_s_per_1000=%s cpu_us_per_call=%s db_cpu_s=%s uac_cpu_s=%s uas_cpu_s=%s wall_s=%s sipp_exit=%s verdict=%s%s config=%s\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$implementation" "$scenario" "$transport" "$rate" "$duration" "$calls" \
    "$successful" "$failed" "$challenges" "$p50" "$p99" "$cpu_s" "$per_1000" \
    "$(awk -v c="$per_1000" 'BEGIN { if (c == "NA") print "NA"; else printf "%.1f", c * 1000 }')" \
    "$( [ -n "$db_pid" ] && seconds_of $((db_after - db_before)) || echo NA)" \
    "$(time_cpu_s "$dir/uac.time")" "$( [ -n "$uas_pid" ] && time_cpu_s "$dir/uas.time" || echo NA)" \
    "$wall_s" "$exit_code" "$verdict" "${reason:+ reason=${reason%,}}" "$server_config"
}

field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# Runs every rate (or the search) against the running server; prints the results lines.
run_rates() {
  local implementation=$1 server_config=$2 line best_pass="" first_fail="" failures=0
  # One UAC port and one callee binding for the whole server run: a registrar may hold one contact
  # per account (Kamailio's max_contacts 1 answers 503 to a second one).
  uac_port=$(free_port)
  if [ "$with_uas" = yes ]; then
    uas_port=$uac_port
    for _ in $(seq 1 10); do [ "$uas_port" = "$uac_port" ] || break; uas_port=$(free_port); done
    mkdir -p "$work/callee-$implementation"
    register_callee "$work/callee-$implementation" "$uas_port"
  fi
  if [ "$warmup" -gt 0 ]; then
    # Not recorded: lets the .NET JIT reach its optimised code (and Kamailio its caches) before step 1.
    (duration=$warmup; run_step "$implementation" "${rates[0]}" "$server_config" >/dev/null)
  fi
  for rate in "${rates[@]}"; do
    line=$(run_step "$implementation" "$rate" "$server_config")
    echo "$line" | tee -a "$out/sip-runs.log" >&2
    echo "$line"
    if [ "$(field "$line" verdict)" = pass ]; then
      best_pass=$rate; failures=0
    else
      [ -n "$first_fail" ] || first_fail=$rate
      failures=$((failures + 1))
      [ "$search" = no ] || [ "$failures" -lt 2 ] || break
    fi
  done
  if [ "$search" = yes ] && [ -n "$best_pass" ] && [ -n "$first_fail" ] && [ "$first_fail" -gt "$best_pass" ]; then
    local middle=$(( (best_pass + first_fail) / 2 ))
    if [ "$middle" -gt "$best_pass" ] && [ "$middle" -lt "$first_fail" ]; then
      line=$(run_step "$implementation" "$middle" "$server_config")
      echo "$line" | tee -a "$out/sip-runs.log" >&2
      echo "$line"
    fi
  fi
}

best_rate() { awk '/verdict=pass/ { for (i = 1; i <= NF; i++) if ($i ~ /^rate=/) { r = substr($i, 6) + 0; if (r > b) b = r } } END { print b + 0 }' <<<"$1"; }

# CPU per 1000 calls at the highest rate both passed, so the two figures come from the same load.
ratio_line() {
  local natedge_lines=$1 peer_lines=$2 nb pb common nc pc
  nb=$(best_rate "$natedge_lines"); pb=$(best_rate "$peer_lines")
  common=$(awk '/verdict=pass/ { for (i = 1; i <= NF; i++) if ($i ~ /^rate=/) print substr($i, 6) }' <<<"$natedge_lines" |
    sort -n | while read -r r; do if grep -q "rate=$r .*verdict=pass" <<<"$peer_lines"; then echo "$r"; fi; done | tail -1)
  nc=NA; pc=NA
  if [ -n "$common" ]; then
    nc=$(grep "rate=$common .*verdict=pass" <<<"$natedge_lines" | tail -1 | tr ' ' '\n' | sed -n 's/^cpu_s_per_1000=//p')
    pc=$(grep "rate=$common .*verdict=pass" <<<"$peer_lines" | tail -1 | tr ' ' '\n' | sed -n 's/^cpu_s_per_1000=//p')
  fi
  awk -v s="$scenario" -v nb="$nb" -v pb="$pb" -v c="${common:-NA}" -v nc="$nc" -v pc="$pc" 'BEGIN {
    printf "ratio natedge/kamailio scenario=%s best_rate natedge=%d kamailio=%d rate_ratio=%s cpu_per_1000_at=%s natedge_cpu_s_per_1000=%s kamailio_cpu_s_per_1000=%s cpu_ratio=%s\n",
      s, nb, pb, (pb > 0 ? sprintf("%.2f", nb / pb) : "NA"), c, nc, pc, ((pc != "NA" && pc > 0) ? sprintf("%.2f", nc / pc) : "NA") }'
}

port=${port:-$(free_port)}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results_file="$out/sip-$scenario-$stamp.txt"
{
  echo "# run-sip.sh $(printf '%q ' --scenario "$scenario" --rates "$rate_list" --duration "$duration" --transport "$transport" ${peer:+--peer "$peer"})"
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) cores, $(sipp -v 2>/dev/null | grep -o 'v[0-9][^ ]*' | head -1), proxy $proxy_dll"
} >"$results_file"

start_natedge
natedge_lines=$(run_rates natedge "$(basename "$config")")
stop_server
echo "$natedge_lines" >>"$results_file"
status=0
if [ "$search" = yes ]; then
  [ "$(best_rate "$natedge_lines")" -gt 0 ] || status=1
else
  grep -q "verdict=pass" <<<"$natedge_lines" && [ "$(field "$natedge_lines" failed)" = 0 ] || status=1
fi

if [ "$peer" = kamailio ]; then
  start_kamailio
  peer_lines=$(run_rates kamailio "$kamailio_config")
  stop_server
  echo "$peer_lines" >>"$results_file"
  ratio_line "$natedge_lines" "$peer_lines" | tee -a "$out/sip-runs.log" "$results_file"
fi
echo "run-sip: results in $results_file" >&2
exit "$status"
