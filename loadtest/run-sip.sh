#!/usr/bin/env bash
# SIPp load against NatEdge's proxy started here on loopback: one bounded run (--rate) or a rate
# search (--rates), optionally the same scenario and rates against Kamailio (Debian package) in the
# same invocation, with the ratio NatEdge/peer; the memory scenario registers many addresses-of-record
# and compares the resident memory (PSS) that holds them. Appends one line per run to
# $LOADTEST_OUT/sip-runs.log (default loadtest/results/) and writes a results file per invocation.
# See loadtest/README.md.
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
                      reinvite   a call put on hold: INVITE/200/ACK, re-INVITE (a=sendonly)/200/ACK, BYE
                      cancel     a call cancelled while ringing: INVITE/180, CANCEL/200, 487/ACK
                      options    OPTIONS to the proxy itself
                      callmedia  call with SDP and RTP through the media relay (natedge-relay; the
                                 peer: rtpengine), proxy auth, the caller behind a simulated NAT
                      memory     --aors distinct REGISTERs without auth, then the PSS of the server
  --rate N            one run at N calls/s (default 50; memory: the registration rate, default 1000)
  --rates LIST        rate search: each rate in turn, ascending, stopping after two failing steps in
                      a row; then one rate halfway between the best pass and the next failure
  --duration S        seconds of load per step; SIPp places rate*duration calls (default 3)
  --warmup S          unrecorded seconds at the first rate before the runs (default 8 with --rates, else 0)
  --transport T       SIPp -t: u1 (one UDP socket, default), un, t1, tn
  --users N           accounts in the injection file of the auth scenarios (default 1000, at most 10000)
  --db sqlite|mariadb where the auth scenarios find their subscribers: sqlite (a file prepared with ctl)
                      or mariadb (a private MariaDB the runner starts, shared with the peer: the shared
                      bench's schema and subscribers); default mariadb with --peer, else sqlite
  --usrloc-db-mode M  usrloc db_mode of both proxies in the auth scenarios: 0 in memory (default),
                      1 write-through, 2 write-back, 3 database only (needs --db mariadb with --peer)
  --aors N            memory: addresses-of-record to register (default 100000)
  --hold-ms MS        callmedia: how long each call holds with RTP flowing (default 1000)
  --relay-dll FILE    built natedge-relay.dll (default $NATEDGE_RELAY_DLL, else src/MediaRelay/bin/{Release,Debug})
  --relay-ports L-H   natedge-relay --port-range (default 40000-49999)
  --rtpengine-ports L-H  rtpengine --port-min/--port-max (default 30000-39999)
  --kamailio-shm MB   Kamailio's shared memory, -m (default 1024, as the shared bench)
  --peer-relay R      callmedia against Kamailio: rtpengine (stage c, the default) or natedge
                      (stage d: Kamailio's mediaproxy module driving natedge-relay)
  --config FILE       NatEdge route script (default: config/stage1-hello.cfg; loadtest/config/
                      stage2-bench.cfg (the guide's stage 2 without its 100 Trying to REGISTER, as
                      Kamailio's stage b) for regauth and callauth, stage3-nat.cfg for callmedia, each copied with its db_url
                      pointed at the --db store and its usrloc db_mode set)
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
db=""; usrloc_mode=0; aors=100000; hold_ms=1000; relay_dll="${NATEDGE_RELAY_DLL:-}"; relay_ports=40000-49999
rtpengine_ports=30000-39999; kamailio_shm=1024; peer_relay=rtpengine
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) scenario=${2:?}; shift 2 ;;
    --rate) rate_list=${2:?}; shift 2 ;;
    --rates) rate_list=${2:?}; search=yes; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --warmup) warmup=${2:?}; shift 2 ;;
    --transport) transport=${2:?}; shift 2 ;;
    --users) users=${2:?}; shift 2 ;;
    --db) db=${2:?}; shift 2 ;;
    --usrloc-db-mode) usrloc_mode=${2:?}; shift 2 ;;
    --aors) aors=${2:?}; shift 2 ;;
    --hold-ms) hold_ms=${2:?}; shift 2 ;;
    --relay-dll) relay_dll=${2:?}; shift 2 ;;
    --relay-ports) relay_ports=${2:?}; shift 2 ;;
    --rtpengine-ports) rtpengine_ports=${2:?}; shift 2 ;;
    --kamailio-shm) kamailio_shm=${2:?}; shift 2 ;;
    --peer-relay) peer_relay=${2:?}; shift 2 ;;
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

# Per scenario: UAC scenario, NatEdge config, Kamailio config, whether a callee UAS runs, auth
# (and with it a subscriber database), media through a relay, a memory measurement.
auth=no; with_uas=no; media=no; memory=no
case "$scenario" in
  register) scenario_file=register_uac.xml; default_config=stage1-hello.cfg; kamailio_config=stage_a_hello.cfg ;;
  options) scenario_file=options_uac.xml; default_config=natedge.cfg; kamailio_config=stage_a_hello.cfg ;;
  regauth) scenario_file=register_auth_users_uac.xml; default_config=../loadtest/config/stage2-bench.cfg; kamailio_config=stage_b_auth.cfg; auth=yes ;;
  call) scenario_file=call_uac.xml; default_config=stage1-hello.cfg; kamailio_config=stage_a_hello.cfg; with_uas=yes ;;
  callauth) scenario_file=call_auth_uac.xml; default_config=../loadtest/config/stage2-bench.cfg; kamailio_config=stage_b_auth.cfg; with_uas=yes; auth=yes ;;
  reinvite) scenario_file=call_reinvite_uac.xml; default_config=stage1-hello.cfg; kamailio_config=stage_a_hello.cfg; with_uas=yes ;;
  cancel) scenario_file=call_cancel_uac.xml; default_config=stage1-hello.cfg; kamailio_config=stage_a_hello.cfg; with_uas=yes ;;
  callmedia) scenario_file=call_media_uac.xml; default_config=stage3-nat.cfg; kamailio_config=stage_c_nat.cfg; with_uas=yes; auth=yes; media=yes ;;
  memory) scenario_file=register_aors_uac.xml; default_config=stage1-hello.cfg; kamailio_config=stage_a_hello.cfg; memory=yes ;;
  *) usage >&2; fail "--scenario must be register, regauth, call, callauth, reinvite, cancel, options, callmedia or memory" ;;
esac
# With a socket per call (un, tn) every REGISTER brings a new Contact; a registrar holding one contact
# per account (Kamailio's max_contacts 1) answers 503 to the second, so each call registers its own AOR.
[ "$scenario" != register ] || [[ "$transport" =~ ^(u1|t1)$ ]] || scenario_file=register_aors_uac.xml
scenario_file="$here/sipp/$scenario_file"
if [ "$memory" = yes ]; then
  [ "$search" = no ] || fail "the memory scenario takes one --rate, not a search"
  rate_list=${rate_list:-1000}
fi
rate_list=${rate_list:-50}
[[ "$rate_list" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || fail "--rate/--rates must be positive whole numbers separated by commas"
IFS=, read -r -a rates <<<"$rate_list"
[[ "$duration" =~ ^[0-9]+$ && "$duration" -gt 0 && "$duration" -le 600 ]] || fail "--duration must be 1..600 seconds"
[ -n "$warmup" ] || { [ "$search" = yes ] && warmup=8 || warmup=0; }
[[ "$warmup" =~ ^[0-9]+$ && "$warmup" -le 30 ]] || fail "--warmup must be 0..30 seconds"
[[ "$transport" =~ ^(u1|un|t1|tn)$ ]] || fail "--transport must be u1, un, t1 or tn"
[[ "$users" =~ ^[0-9]+$ && "$users" -gt 0 && "$users" -le 10000 ]] || fail "--users must be 1..10000"
[ -z "$peer" ] || [ "$peer" = kamailio ] || fail "--peer supports only kamailio"
[ -n "$db" ] || { [ "$auth" = yes ] && [ -n "$peer" ] && db=mariadb || db=sqlite; }
[[ "$db" =~ ^(sqlite|mariadb)$ ]] || fail "--db must be sqlite or mariadb"
[[ "$usrloc_mode" =~ ^[0-3]$ ]] || fail "--usrloc-db-mode must be 0, 1, 2 or 3"
[ "$usrloc_mode" = 0 ] || [ "$auth" = yes ] || fail "--usrloc-db-mode applies to the scenarios with a database: regauth, callauth, callmedia"
[ "$usrloc_mode" = 0 ] || [ -z "$peer" ] || [ "$db" = mariadb ] || fail "--usrloc-db-mode with --peer needs --db mariadb: both proxies write to the same database"
[ "$auth" = yes ] || db=none
[[ "$aors" =~ ^[0-9]+$ && "$aors" -gt 0 && "$aors" -le 1000000 ]] || fail "--aors must be 1..1000000"
[[ "$hold_ms" =~ ^[0-9]+$ && "$hold_ms" -le 60000 ]] || fail "--hold-ms must be 0..60000"
[[ "$kamailio_shm" =~ ^[0-9]+$ && "$kamailio_shm" -ge 64 ]] || fail "--kamailio-shm must be at least 64 (MB)"
[[ "$peer_relay" =~ ^(rtpengine|natedge)$ ]] || fail "--peer-relay must be rtpengine or natedge"
[ "$media" = no ] || [ "$peer_relay" = rtpengine ] || kamailio_config=stage_d_mediaproxy.cfg
for range in "$relay_ports" "$rtpengine_ports"; do
  [[ "$range" =~ ^([0-9]+)-([0-9]+)$ && ${BASH_REMATCH[1]} -ge 1024 && ${BASH_REMATCH[2]} -le 65535 && ${BASH_REMATCH[1]} -lt ${BASH_REMATCH[2]} ]] ||
    fail "port ranges are LOW-HIGH within 1024-65535"
done
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
[ "$db" != sqlite ] || python3 -c "import sqlite3" 2>/dev/null || fail "python3 with its sqlite3 module is missing: it fills the subscriber table"
if [ "$media" = yes ]; then
  if [ -z "$relay_dll" ]; then
    for candidate in "$root"/src/MediaRelay/bin/Release/net*/natedge-relay.dll "$root"/src/MediaRelay/bin/Debug/net*/natedge-relay.dll; do
      if [ -f "$candidate" ]; then relay_dll=$candidate; break; fi
    done
  fi
  [ -n "$relay_dll" ] && [ -f "$relay_dll" ] || fail "natedge-relay.dll not found: build src/MediaRelay -c Release or pass --relay-dll"
  command -v python3 >/dev/null || fail "python3 is missing: it writes the RTP tone file and reads the relay's accounting log"
fi
bench_dir=${NATEDGE_BENCH_DIR:-${KAMAILIO_BENCH_DIR:-/work/shared/bench}}

# The callee of the call scenarios: registered from the UAS's port before the load starts.
callee=uas; callee_password=uaspw; uas_port=""; uac_port=""
hold_s=0; [ "$with_uas" = no ] || hold_s=1   # the call scenarios take about 0.6 s from INVITE to the BYE's 200
[ "$media" = no ] || hold_s=$(awk -v h="$hold_ms" 'BEGIN { printf "%.3f", h / 1000 + 1 }')
nat_port=5999   # what the callmedia caller advertises in Via and Contact; nothing is ever sent there
clock_ticks=$(getconf CLK_TCK)
mkdir -p "$out"
work=$(mktemp -d /tmp/natedge-loadtest.XXXXXX)
server_pid=""; relay_pid=""; db_pid=""; db_port=""; db_socket=""
cleanup() {
  stop_server
  stop_process "$db_pid"
  rm -rf "$work"
}
stop_process() {  # TERM, up to 10 s, then KILL
  local pid=$1
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
stop_server() {  # the proxy under test and its media relay
  stop_process "$server_pid"; server_pid=""
  stop_process "$relay_pid"; relay_pid=""
}
trap cleanup EXIT
trap 'exit 143' TERM INT

port_in_use() { ss -Huln "sport = :$1" 2>/dev/null | grep -q . || ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

in_range() { local low=${2%-*} high=${2#*-}; [ "$1" -ge "$low" ] && [ "$1" -le "$high" ]; }

# A free port in 20000-29999 outside the relays' ranges; with "pair", PORT+2 is free too (SIPp's
# RTP echo also binds the port two above).
free_port() {
  local candidate
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 9990))
    in_range "$candidate" "$relay_ports" || in_range "$candidate" "$rtpengine_ports" ||
      in_range $((candidate + 2)) "$relay_ports" || in_range $((candidate + 2)) "$rtpengine_ports" && continue
    port_in_use "$candidate" && continue
    [ "${1:-}" != pair ] || ! port_in_use $((candidate + 2)) || continue
    echo "$candidate"; return 0
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

# Proportional set size in kB of PID and its direct children (Kamailio's workers share its memory):
# each shared page counts once in the sum, divided among the processes that map it.
pss_kb() {
  local pid=$1 total=0 stat fields child
  for stat in /proc/[0-9]*/stat; do
    fields=$(sed 's/^.*) //' "$stat" 2>/dev/null) || continue
    set -- $fields
    child=${stat#/proc/}; child=${child%/stat}
    if [ "$child" = "$pid" ] || [ "$2" = "$pid" ]; then
      total=$((total + $(awk '/^Pss:/ { print $2; exit }' "/proc/$child/smaps_rollup" 2>/dev/null || echo 0)))
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

# A private MariaDB for the scenarios with a database, shared by both proxies: its own data folder and
# socket under the work folder, a free port on 127.0.0.1, stopped at exit. The schema and the
# subscribers come from the shared bench's db_setup.sh (copied, as that folder is read-only, and
# pointed at this server): Kamailio 5.6's own create scripts, 10,003 accounts, password = user name,
# in domain 127.0.0.1 (the realm both proxies challenge with, as SIPp's To carries the proxy's IP).
start_mariadb() {
  local dir="$work/mariadb" run_as=() tries
  for tool in mariadbd mariadb-install-db mariadb mariadb-admin; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || fail "$tool is missing (Debian packages mariadb-server, mariadb-client)"
  done
  [ -f /usr/share/kamailio/mysql/auth_db-create.sql ] ||
    fail "Kamailio's MySQL create scripts are missing (Debian package kamailio-mysql-modules; --install-peer installs it)"
  [ -f "$bench_dir/scripts/db_setup.sh" ] || fail "$bench_dir/scripts/db_setup.sh not found (set NATEDGE_BENCH_DIR)"
  [ "$(id -u)" != 0 ] || run_as=(--user=root)
  mkdir -p "$dir"
  db_port=$(free_port); db_socket="$dir/mariadb.sock"
  mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal --skip-test-db "${run_as[@]}" \
      >"$dir/install.log" 2>&1 || { tail -20 "$dir/install.log" >&2; fail "mariadb-install-db failed"; }
  # As the shared bench runs it: no binary log, a 256 MB buffer pool; InnoDB's defaults otherwise
  # (a flush per commit, which is what limits usrloc write-through).
  "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --datadir="$dir/data" --port="$db_port" \
      --bind-address=127.0.0.1 --socket="$db_socket" --pid-file="$dir/mariadb.pid" --log-error="$dir/error.log" \
      --skip-log-bin --innodb-buffer-pool-size=256M --max-connections=500 "${run_as[@]}" >/dev/null 2>&1 &
  db_pid=$!
  tries=0
  until mariadb-admin --socket="$db_socket" -uroot ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -le 600 ] && kill -0 "$db_pid" 2>/dev/null || { tail -20 "$dir/error.log" >&2; fail "MariaDB did not start"; }
    sleep 0.1
  done
  cp -r "$bench_dir/." "$work/bench"
  sed -i "s|--socket=/run/mysqld/mysqld.sock|--socket=$db_socket|" "$work/bench/scripts/db_setup.sh"
  DOMAIN=127.0.0.1 BENCH_OUT="$work/bench/results" bash "$work/bench/scripts/db_setup.sh" >"$dir/setup.log" 2>&1 ||
    { tail -20 "$dir/setup.log" >&2; fail "the shared bench's db_setup.sh failed"; }
  mysql_url="mysql://kamailio:kamailiorw@127.0.0.1:$db_port/kamailio"
}

db_sql() { mariadb --socket="$db_socket" -uroot -N kamailio -e "$1"; }

# Each proxy starts from an empty location table, so neither loads the other's registrations.
clear_location_table() { [ -z "$db_socket" ] || db_sql "DELETE FROM location"; }

# 1 s of a 440 Hz tone in G.711 u-law, the audio SIPp's rtp_stream loops in the callmedia scenario.
write_tone() {
  python3 - "$1" <<'PY'
import math, sys
def ulaw(sample):
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent, mask = 7, 0x4000
    while exponent > 0 and not magnitude & mask:
        exponent, mask = exponent - 1, mask >> 1
    return ~(sign | exponent << 4 | (magnitude >> (exponent + 3)) & 0x0F) & 0xFF
with open(sys.argv[1], "wb") as f:
    f.write(bytes(ulaw(int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(8000)))
PY
}

start_relay() {
  local dir=$1
  (cd "$dir" && exec dotnet "$relay_dll" run --relay-ip 127.0.0.1 --control-socket "$dir/relay.sock" \
      --port-range "$relay_ports" --accounting-log "$dir/accounting.log" >"$dir/relay.log" 2>&1) &
  relay_pid=$!
  for _ in $(seq 1 200); do
    [ -S "$dir/relay.sock" ] && return 0
    kill -0 "$relay_pid" 2>/dev/null || { tail -20 "$dir/relay.log" >&2; fail "natedge-relay exited before it was ready"; }
    sleep 0.1
  done
  tail -20 "$dir/relay.log" >&2
  fail "natedge-relay did not open its control socket within 20 s"
}

start_natedge() {
  local dir="$work/natedge" run_config="$config" url=""
  mkdir -p "$dir"
  if [ "$auth" = yes ]; then
    if [ "$db" = mariadb ]; then
      url=$mysql_url
    else
      prepare_natedge_store "$dir/natedge.db"; url="sqlite:$dir/natedge.db"
    fi
    clear_location_table
    sed -e "s|mysql://natedge:secret@localhost/natedge|$url|" \
        -e "s/modparam(\"usrloc\", \"db_mode\", [0-3])/modparam(\"usrloc\", \"db_mode\", $usrloc_mode)/" "$config" >"$dir/proxy.cfg"
    run_config="$dir/proxy.cfg"
  fi
  if [ "$media" = yes ]; then
    start_relay "$dir"
    # The relay's socket, and the proxy's own address in the preset Record-Route.
    sed -i -e "s|/run/natedge/relay.sock|$dir/relay.sock|" -e "s/127\.0\.0\.1:5060/127.0.0.1:$port/g" "$run_config"
  fi
  (cd "$dir" && exec dotnet "$proxy_dll" run --config "$run_config" \
      --listen "udp:127.0.0.1:$port" --listen "tcp:127.0.0.1:$port" >"$dir/proxy.log" 2>&1) &
  server_pid=$!
  wait_for_line "$dir/proxy.log" "NatEdge proxy started" 20 "$server_pid"
}

# rtpengine in userspace (no kernel table), ng control on a free port, as the shared bench starts it.
start_rtpengine() {
  local dir=$1
  command -v rtpengine >/dev/null || fail "rtpengine is missing (Debian package rtpengine-daemon; --install-peer installs it)"
  ng_port=$(free_port)
  rtpengine --config-file=none --foreground --table=-1 --interface=127.0.0.1 --listen-ng="127.0.0.1:$ng_port" \
      --port-min="${rtpengine_ports%-*}" --port-max="${rtpengine_ports#*-}" --num-threads=2 --log-stderr --log-level=4 \
      --delete-delay=0 --timeout=120 --silent-timeout=3600 >"$dir/rtpengine.log" 2>&1 &
  relay_pid=$!
  wait_for_udp_listen "$ng_port" 10 "$relay_pid"
}

start_kamailio() {
  local dir="$work/kamailio" source="$bench_dir/kamailio/$kamailio_config" defines=() packages=(kamailio)
  mkdir -p "$dir"
  [ "$auth" = no ] || packages+=(kamailio-mysql-modules)
  [ "$media" = no ] || [ "$peer_relay" != rtpengine ] || packages+=(rtpengine-daemon)
  if ! command -v kamailio >/dev/null || { [ "$auth" = yes ] && [ ! -f /usr/lib/x86_64-linux-gnu/kamailio/modules/db_mysql.so ]; } ||
     { [ "$media" = yes ] && [ "$peer_relay" = rtpengine ] && ! command -v rtpengine >/dev/null; }; then
    [ "$install_peer" = yes ] || fail "${packages[*]} missing: pass --install-peer"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null ||
      fail "apt-get install ${packages[*]} failed"
  fi
  [ -f "$source" ] || fail "Kamailio config $source not found (set NATEDGE_BENCH_DIR)"
  # Same port as NatEdge's run, its own control socket; callers in domain 127.0.0.1 are local users
  # (SIPp's From carries no port, so "from_uri == myself" alone would skip the INVITE challenge);
  # OPTIONS to the proxy itself answered 200 as NatEdge's natedge.cfg does; the runner's MariaDB
  # and rtpengine.
  sed -e "s/127\.0\.0\.1:5060/127.0.0.1:$port/g" \
      -e 's/is_method("INVITE") \&\& from_uri == myself/is_method("INVITE") \&\& (from_uri == myself || $fd == "127.0.0.1")/' \
      -e "s|unix:/run/kamailio/kamailio_ctl|unix:$dir/kamailio_ctl|" \
      -e 's/^\tif (is_method("REGISTER")) {/\tif (is_method("OPTIONS") \&\& uri==myself \&\& $rU==$null) { sl_send_reply("200", "OK"); exit; }\n&/' \
      -e "s|mysql://kamailio:kamailiorw@localhost/kamailio|${mysql_url:-mysql://kamailio:kamailiorw@localhost/kamailio}|" \
      "$source" >"$dir/kamailio.cfg"
  if [ "$usrloc_mode" != 0 ]; then
    # Registrations in MariaDB: the bench's WITH_USRLOC_DB variant where the config has it (stage b),
    # with the mode asked for.
    if grep -q WITH_USRLOC_DB "$dir/kamailio.cfg"; then
      defines=(-A WITH_USRLOC_DB)
      sed -i "s/modparam(\"usrloc\", \"db_mode\", 1)/modparam(\"usrloc\", \"db_mode\", $usrloc_mode)/" "$dir/kamailio.cfg"
    else
      sed -i "s|^modparam(\"usrloc\", \"db_mode\", 0)|modparam(\"usrloc\", \"db_url\", DBURL)\nmodparam(\"usrloc\", \"db_mode\", $usrloc_mode)|" "$dir/kamailio.cfg"
    fi
  fi
  clear_location_table
  if [ "$media" = yes ] && [ "$peer_relay" = rtpengine ]; then
    start_rtpengine "$dir"
    sed -i "s|udp:127.0.0.1:2223|udp:127.0.0.1:$ng_port|" "$dir/kamailio.cfg"
  elif [ "$media" = yes ]; then
    # Stage (d): the mediaproxy module speaks the MediaProxy protocol to natedge-relay's socket.
    start_relay "$dir"
    defines+=(-A "MP_SOCKET=\"$dir/relay.sock\"")
  fi
  kamailio -c -f "$dir/kamailio.cfg" "${defines[@]}" >"$dir/check.log" 2>&1 || { cat "$dir/check.log" >&2; fail "Kamailio rejected its config"; }
  kamailio -DD -E -f "$dir/kamailio.cfg" "${defines[@]}" -P "$dir/kamailio.pid" -Y "$dir" -m "$kamailio_shm" -M 16 >"$dir/kamailio.log" 2>&1 &
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
  local calls=${step_calls:-$((rate * duration))} extra=() uas_scenario=call_answer_uas.xml uas_extra=()
  local relay_before relay_after media_before="" media_after media_counts="NA NA" location_rows=NA
  dir="$work/sipp-$implementation-$rate-$RANDOM"
  mkdir -p "$dir"
  case "$scenario" in
    regauth) write_users "$dir/users.csv"; extra=(-inf "$dir/users.csv") ;;
    callauth) write_users "$dir/users.csv"; extra=(-inf "$dir/users.csv" -s "$callee") ;;
    callmedia)
      write_users "$dir/users.csv"; cp "$work/tone_1s.ulaw" "$dir/"
      extra=(-inf "$dir/users.csv" -s "$callee" -key nat_port "$nat_port" -mi 127.0.0.1 -mp "$uac_media_port" -d "$hold_ms")
      uas_scenario=call_media_uas.xml; uas_extra=(-mi 127.0.0.1 -mp "$uas_media_port" -rtp_echo) ;;
    call) extra=(-s "$callee") ;;
    reinvite) extra=(-s "$callee"); uas_scenario=call_hold_uas.xml ;;
    cancel) extra=(-s "$callee"); uas_scenario=call_cancelled_uas.xml ;;
    memory) ;;
    *) extra=(-s 1000) ;;
  esac
  if [ "$with_uas" = yes ]; then
    (cd "$dir" && exec /usr/bin/time -f '%U %S' -o uas.time timeout $((duration + 45)) sipp -sf "$here/sipp/$uas_scenario" \
        $(sipp_common) "${uas_extra[@]}" -p "$uas_port" -m "$calls" -trace_err -error_file uas-errors.log >uas.out 2>&1) &
    uas_pid=$!
    sleep 0.5
  fi
  [ "$media" = no ] || media_before=$(media_relay_counts "$implementation")
  before=$(cpu_ticks "$server_pid"); db_before=$(cpu_ticks "$db_pid"); relay_before=$(cpu_ticks "$relay_pid")
  started=$(date +%s.%N)
  (cd "$dir" && /usr/bin/time -f '%U %S' -o uac.time timeout $((duration + 40)) sipp "127.0.0.1:$port" -sf "$scenario_file" \
      "${extra[@]}" $(sipp_common) -p "$uac_port" -r "$rate" -rp 1000 -m "$calls" -l $((rate * 5 + 100)) \
      -timeout "$((duration + 30))s" -timeout_error \
      -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 -trace_counts -trace_err -error_file errors.log \
      >sipp.out 2>&1) || exit_code=$?
  ended=$(date +%s.%N)
  after=$(cpu_ticks "$server_pid"); db_after=$(cpu_ticks "$db_pid"); relay_after=$(cpu_ticks "$relay_pid")
  if [ -n "$uas_pid" ]; then
    for _ in $(seq 1 50); do kill -0 "$uas_pid" 2>/dev/null || break; sleep 0.1; done
    pkill -TERM -P "$uas_pid" timeout 2>/dev/null || true
    wait "$uas_pid" 2>/dev/null || true
  fi
  # Registrations the database holds after the run (usrloc write-through shows one row per account).
  [ -z "$db_socket" ] || location_rows=$(db_sql "SELECT COUNT(*) FROM location" 2>/dev/null || echo NA)
  if [ -n "$media_before" ]; then
    # A relay counts a session when the BYE removes it: up to 3 s for this step's last calls.
    for _ in $(seq 1 30); do
      media_after=$(media_relay_counts "$implementation")
      media_counts="$(( ${media_after% *} - ${media_before% *} )) $(( ${media_after#* } - ${media_before#* } ))"
      [ "${media_counts% *}" -lt "$calls" ] || break
      sleep 0.1
    done
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
  # The memory scenario measures what the registrations occupy, not how fast they went (its first
  # registrations also pay for the proxy's JIT compilation): only that they all succeeded counts.
  if [ "$memory" = no ]; then
    awk -v p="$p99" 'BEGIN { exit !(p != "NA" && p < 200) }' || { verdict=fail; reason+="p99>=200ms,"; }
    awk -v w="$wall_s" -v n="$calls" -v r="$rate" -v h="$hold_s" 'BEGIN { exit !(w <= 1.1 * n / r + 2 + h) }' || { verdict=fail; reason+="behind,"; }
  fi
  if [ "$keep" = yes ]; then
    mkdir -p "$out/runs"
    cp -r "$dir" "$out/runs/$(date -u +%Y%m%dT%H%M%S)-$implementation-$scenario-$rate"
  fi
  if [ "$exit_code" -ne 0 ] && [ -s "$dir/errors.log" ]; then
    echo "run-sip: SIPp exited $exit_code; first errors:" >&2
    head -5 "$dir/errors.log" >&2
  fi
  printf 'time=%s impl=%s scenario=%s transport=%s rate=%s duration_s=%s calls=%s successful=%s failed=%s challenges=%s p50_ms=%s p99_ms=%s proxy_cpu_s=%s cpu_s_per_1000=%s cpu_us_per_call=%s db_cpu_s=%s uac_cpu_s=%s uas_cpu_s=%s wall_s=%s sipp_exit=%s verdict=%s%s db=%s usrloc_db_mode=%s location_rows=%s relay_cpu_s=%s media_sessions=%s relayed_packets=%s config=%s\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$implementation" "$scenario" "$transport" "$rate" "$duration" "$calls" \
    "$successful" "$failed" "$challenges" "$p50" "$p99" "$cpu_s" "$per_1000" \
    "$(awk -v c="$per_1000" 'BEGIN { if (c == "NA") print "NA"; else printf "%.1f", c * 1000 }')" \
    "$( [ -n "$db_pid" ] && seconds_of $((db_after - db_before)) || echo NA)" \
    "$(time_cpu_s "$dir/uac.time")" "$( [ -n "$uas_pid" ] && time_cpu_s "$dir/uas.time" || echo NA)" \
    "$wall_s" "$exit_code" "$verdict" "${reason:+ reason=${reason%,}}" "$db" "$usrloc_mode" "$location_rows" \
    "$( [ -n "$relay_pid" ] && seconds_of $((relay_after - relay_before)) || echo NA)" ${media_counts% *} ${media_counts#* } "$server_config"
}

field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# "SESSIONS PACKETS" so far in natedge-relay's accounting log: the sessions that ended and the RTP and
# RTCP packets the relay carried for them, both directions (spec section 4.6: one JSON line per session).
relay_accounting() {
  python3 - "$1" <<'PY'
import json, sys
sessions = packets = 0
try:
    with open(sys.argv[1]) as log:
        for line in log:
            if line.strip():
                sessions += 1
                for stream in json.loads(line).get("streams", []):
                    packets += int(stream.get("caller_packets", 0)) + int(stream.get("callee_packets", 0))
except FileNotFoundError:
    pass
print(sessions, packets)
PY
}

# The same two figures from rtpengine's totals (the ng "statistics" command): sessions it managed and
# packets it relayed.
rtpengine_counts() {
  python3 - "$ng_port" <<'PY'
import os, re, socket, sys, time
# rtpengine answers a repeated cookie from its cache, so every query has its own.
cookie = b"counts-%d-%d" % (os.getpid(), time.monotonic_ns())
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as ng:
    ng.settimeout(2)
    ng.sendto(cookie + b" d7:command10:statisticse", ("127.0.0.1", int(sys.argv[1])))
    reply = ng.recv(65535)
def total(name):
    found = re.search(rb"%d:%si(\d+)e" % (len(name), name.encode()), reply)
    return found.group(1).decode() if found else "0"
print(total("managedsessions"), total("relayedpackets"))
PY
}

media_relay_counts() {  # natedge|kamailio: "SESSIONS PACKETS" of the relay in use
  if [ "$1" = natedge ] || [ "$peer_relay" = natedge ]; then relay_accounting "$work/$1/accounting.log"; else rtpengine_counts; fi
}

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
  if [ "$media" = yes ]; then
    uac_media_port=$(free_port pair); uas_media_port=$(free_port pair)
  fi
  if [ "$warmup" -gt 0 ]; then
    # Not recorded: lets the .NET JIT reach its optimised code (and Kamailio its caches) before step 1;
    # tiered compilation takes several seconds under load (2 s left the first step 40% dearer in CPU).
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
    printf "ratio natedge/kamailio scenario=%s best_rate natedge=%d kamailio=%d rate_ratio=%s cpu_per_1000_at=%s natedge_cpu_s_per_1000=%s kamailio_cpu_s_per_1000=%s cpu_ratio=%s",
      s, nb, pb, (pb > 0 ? sprintf("%.2f", nb / pb) : "NA"), c, nc, pc, ((pc != "NA" && pc > 0) ? sprintf("%.2f", nc / pc) : "NA") }'
  if [ "$media" = yes ]; then
    # The relays compared at the same rate: CPU per relayed packet.
    local nr=NA pr=NA
    if [ -n "$common" ]; then
      nr=$(relay_us_per_packet "$(grep "rate=$common .*verdict=pass" <<<"$natedge_lines" | tail -1)")
      pr=$(relay_us_per_packet "$(grep "rate=$common .*verdict=pass" <<<"$peer_lines" | tail -1)")
    fi
    awk -v n="$nr" -v p="$pr" -v r="$peer_relay" 'BEGIN { printf " peer_relay=%s natedge_relay_us_per_packet=%s peer_relay_us_per_packet=%s relay_cpu_ratio=%s",
      r, n, p, ((n != "NA" && p != "NA" && p > 0) ? sprintf("%.2f", n / p) : "NA") }'
  fi
  echo
}

relay_us_per_packet() {  # a results line: relay CPU in microseconds per packet it carried
  awk -v c="$(field "$1" relay_cpu_s)" -v n="$(field "$1" relayed_packets)" 'BEGIN {
    if (c == "NA" || n == "NA" || n + 0 <= 0) print "NA"; else printf "%.1f", c * 1e6 / n }'
}

# Registers --aors addresses-of-record at the rate, then adds the server's PSS before and after them
# to the results line. Both figures are taken after a 2 s settle, with no load running.
run_memory() {
  local implementation=$1 server_config=$2 idle line settled
  uac_port=$(free_port)
  sleep 2
  idle=$(pss_kb "$server_pid")
  line=$(step_calls=$aors; duration=$(( (aors + rate_list - 1) / rate_list )); run_step "$implementation" "$rate_list" "$server_config")
  sleep 2
  settled=$(pss_kb "$server_pid")
  line+=$(awk -v i="$idle" -v p="$settled" -v n="$(field "$line" successful)" 'BEGIN {
    printf " aors_registered=%s pss_idle_kb=%d pss_kb=%d pss_added_kb=%d bytes_per_registration=%s", n, i, p, p - i, (n > 0 ? sprintf("%.0f", (p - i) * 1024 / n) : "NA") }')
  echo "$line" | tee -a "$out/sip-runs.log" >&2
  echo "$line"
}

memory_ratio_line() {
  awk -v n="$1" -v k="$2" 'function get(line, key,   i, f) { split(line, f, " "); for (i in f) if (index(f[i], key "=") == 1) return substr(f[i], length(key) + 2); return "NA" }
    BEGIN {
      np = get(n, "pss_kb"); kp = get(k, "pss_kb"); na = get(n, "pss_added_kb"); ka = get(k, "pss_added_kb")
      printf "ratio natedge/kamailio scenario=memory aors natedge=%s kamailio=%s natedge_pss_kb=%s kamailio_pss_kb=%s pss_ratio=%s natedge_added_kb=%s kamailio_added_kb=%s added_ratio=%s\n",
        get(n, "aors_registered"), get(k, "aors_registered"), np, kp, (kp > 0 ? sprintf("%.2f", np / kp) : "NA"),
        na, ka, (ka > 0 ? sprintf("%.2f", na / ka) : "NA") }'
}

run_implementation() {  # natedge|kamailio, config name: the scenario's runs against the started server
  if [ "$memory" = yes ]; then run_memory "$@"; else run_rates "$@"; fi
}

port=${port:-$(free_port)}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results_file="$out/sip-$scenario-$stamp.txt"
{
  echo "# run-sip.sh $(printf '%q ' --scenario "$scenario" "$( [ "$search" = yes ] && echo --rates || echo --rate)" "$rate_list" \
      $( [ "$memory" = yes ] || printf '%q ' --duration "$duration") --transport "$transport" ${peer:+--peer "$peer"} \
      $( [ "$db" = none ] || printf '%q ' --db "$db" --usrloc-db-mode "$usrloc_mode") $( [ "$memory" = no ] || printf '%q ' --aors "$aors") \
      $( [ "$media" = no ] || printf '%q ' --hold-ms "$hold_ms" ${peer:+--peer-relay "$peer_relay"}))"
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) cores, $(sipp -v 2>/dev/null | grep -o 'v[0-9][^ ]*' | head -1), proxy $proxy_dll"
} >"$results_file"

if [ "$auth" = yes ] && { [ "$db" = mariadb ] || [ -n "$peer" ]; }; then start_mariadb; fi
[ "$media" = no ] || write_tone "$work/tone_1s.ulaw"

start_natedge
natedge_lines=$(run_implementation natedge "$(basename "$config")")
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
  peer_lines=$(run_implementation kamailio "$kamailio_config")
  stop_server
  echo "$peer_lines" >>"$results_file"
  if [ "$memory" = yes ]; then
    memory_ratio_line "$natedge_lines" "$peer_lines" | tee -a "$out/sip-runs.log" "$results_file"
  else
    ratio_line "$natedge_lines" "$peer_lines" | tee -a "$out/sip-runs.log" "$results_file"
  fi
fi
echo "run-sip: results in $results_file" >&2
exit "$status"
