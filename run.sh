#!/usr/bin/env bash
# Builds NatEdge and runs it in the foreground: the media relay and the proxy,
# with the default configuration (config/natedge.cfg, config/relay.ini) on
# 127.0.0.1:5060 UDP and TCP. Ctrl-C (or SIGTERM) stops both cleanly.
# Extra arguments go to `natedge-proxy run` (for example --listen udp:127.0.0.1:5070).
set -euo pipefail
cd "$(dirname "$0")"

dotnet build src/Proxy/NatEdge.Proxy.csproj -c Release -nologo -clp:ErrorsOnly
dotnet build src/MediaRelay/NatEdge.MediaRelay.csproj -c Release -nologo -clp:ErrorsOnly

run_dir=${NATEDGE_RUN_DIR:-/tmp/natedge}
mkdir -p "$run_dir"

dotnet src/MediaRelay/bin/Release/net10.0/natedge-relay.dll run \
  --config config/relay.ini --control-socket "$run_dir/relay.sock" &
relay=$!
stop_relay() { kill -TERM "$relay" 2>/dev/null || true; wait "$relay" 2>/dev/null || true; }
trap stop_relay EXIT INT TERM

dotnet src/Proxy/bin/Release/net10.0/natedge-proxy.dll run --config config/natedge.cfg \
  --control-socket "$run_dir/proxy.ctl" "$@"
