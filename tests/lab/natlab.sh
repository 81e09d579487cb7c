#!/usr/bin/env bash
# The NAT lab: phones in home networks behind routers that do source NAT
# (iptables MASQUERADE), a "public" network where the proxy (and a relay host)
# live. Built from network namespaces and veth pairs only; nothing in it is
# connected to the machine's own interfaces, so no lab packet leaves the host.
#
#   natlab.sh up   PREFIX   create the lab (namespaces PREFIX-pub, PREFIX-relay,
#                           PREFIX-r1, PREFIX-r2, PREFIX-home1, PREFIX-home2)
#   natlab.sh down PREFIX   remove it
#
# Addresses (public side uses 198.18.0.0/24, the RFC 2544 benchmarking range):
#   PREFIX-pub    198.18.0.1   proxy host (bridge natbr0)
#   PREFIX-relay  198.18.0.20  relay host, on the same public segment
#   PREFIX-rN     198.18.0.1N  router N's WAN address; LAN 192.168.N.1/24
#   PREFIX-homeN  192.168.N.10 phone N, default route via its router
# No conntrack SIP helper is loaded in any namespace: NAT problems must be
# solved by the proxy, not behind its back.
set -euo pipefail

cmd=${1:?usage: natlab.sh up|down PREFIX}
p=${2:?usage: natlab.sh up|down PREFIX}
pub="$p-pub"; relay="$p-relay"

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

down() {
  for ns in "$p-home1" "$p-home2" "$p-r1" "$p-r2" "$relay" "$pub"; do
    ip netns del "$ns" 2>/dev/null || true
  done
}

# A veth whose ends are named after the two namespaces' roles; the public end
# joins the bridge in PREFIX-pub.
attach_public() {
  local ns=$1 tag=$2 addr=$3
  ip link add "$tag-pub" netns "$pub" type veth peer name "$tag-wan" netns "$ns"
  nsx "$pub" ip link set "$tag-pub" master natbr0 up
  nsx "$ns" ip addr add "$addr/24" dev "$tag-wan"
  nsx "$ns" ip link set "$tag-wan" up
}

router() {
  local n=$1 r="$p-r$1" home="$p-home$1"
  ip netns add "$r"; ip netns add "$home"
  nsx "$r" ip link set lo up; nsx "$home" ip link set lo up
  attach_public "$r" "r$n" "198.18.0.1$n"
  ip link add "r$n-lan" netns "$r" type veth peer name "h$n-lan" netns "$home"
  nsx "$r" ip addr add "192.168.$n.1/24" dev "r$n-lan"
  nsx "$r" ip link set "r$n-lan" up
  nsx "$home" ip addr add "192.168.$n.10/24" dev "h$n-lan"
  nsx "$home" ip link set "h$n-lan" up
  nsx "$home" ip route add default via "192.168.$n.1"
  nsx "$r" sysctl -qw net.ipv4.ip_forward=1
  nsx "$r" iptables -t nat -A POSTROUTING -o "r$n-wan" -j MASQUERADE
}

up() {
  down
  ip netns add "$pub"; nsx "$pub" ip link set lo up
  nsx "$pub" ip link add natbr0 type bridge
  nsx "$pub" ip addr add 198.18.0.1/24 dev natbr0
  nsx "$pub" ip link set natbr0 up
  ip netns add "$relay"; nsx "$relay" ip link set lo up
  attach_public "$relay" "rl" 198.18.0.20
  router 1
  router 2
}

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "usage: natlab.sh up|down PREFIX" >&2; exit 2 ;;
esac
