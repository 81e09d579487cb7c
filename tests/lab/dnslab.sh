#!/usr/bin/env bash
# The DNS lab: two proxy hosts, two relay hosts and a name server on one
# segment, built from network namespaces and veth pairs only; nothing in it is
# connected to the machine's own interfaces, so no lab packet leaves the host.
#
#   dnslab.sh up   PREFIX   create the lab (namespaces PREFIX-hub, PREFIX-pa,
#                           PREFIX-pb, PREFIX-r1, PREFIX-r2)
#   dnslab.sh down PREFIX   remove it
#
# Addresses (198.18.0.0/24, the RFC 2544 benchmarking range):
#   PREFIX-hub  198.18.0.53  the name server, on the segment's bridge dnsbr0
#   PREFIX-pa   198.18.0.1   proxy A
#   PREFIX-pb   198.18.0.2   proxy B
#   PREFIX-r1   198.18.0.21  relay 1
#   PREFIX-r2   198.18.0.22  relay 2
set -euo pipefail

cmd=${1:?usage: dnslab.sh up|down PREFIX}
p=${2:?usage: dnslab.sh up|down PREFIX}
hub="$p-hub"

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

down() {
  for ns in "$p-pa" "$p-pb" "$p-r1" "$p-r2" "$hub"; do
    ip netns del "$ns" 2>/dev/null || true
  done
}

# A host namespace with one address, its veth's other end on the hub's bridge.
host() {
  local tag=$1 addr=$2 ns="$p-$1"
  ip netns add "$ns"
  nsx "$ns" ip link set lo up
  ip link add "$tag-hub" netns "$hub" type veth peer name "$tag-lan" netns "$ns"
  nsx "$hub" ip link set "$tag-hub" master dnsbr0 up
  nsx "$ns" ip addr add "$addr/24" dev "$tag-lan"
  nsx "$ns" ip link set "$tag-lan" up
}

up() {
  down
  ip netns add "$hub"; nsx "$hub" ip link set lo up
  nsx "$hub" ip link add dnsbr0 type bridge
  nsx "$hub" ip addr add 198.18.0.53/24 dev dnsbr0
  nsx "$hub" ip link set dnsbr0 up
  host pa 198.18.0.1
  host pb 198.18.0.2
  host r1 198.18.0.21
  host r2 198.18.0.22
}

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "usage: dnslab.sh up|down PREFIX" >&2; exit 2 ;;
esac
