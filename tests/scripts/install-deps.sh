#!/usr/bin/env bash
# Installs the system packages the test suite drives for real (SIPp, MariaDB,
# Kamailio's MySQL create scripts for the load runner's database,
# network-namespace tooling, headless Chromium for the relay status page, Prometheus for the scrape
# test, systemd-analyze for the service units, gcc for the RTP load generator, dnsmasq-base as the
# name server of the DNS lab). Needs root; never starts a service: a
# policy-rc.d refuses every service start while apt runs, and the tests start
# what they need themselves.
set -euo pipefail

packages=(sip-tester kamailio kamailio-mysql-modules mariadb-server mariadb-client iproute2 iptables procps psmisc chromium python3 util-linux prometheus systemd gcc libc6-dev dnsmasq-base)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages ${missing[*]} and not root; run as root or install them" >&2
  exit 1
fi

policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1 && cp "$policy" "$policy.natedge-saved"
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod 755 "$policy"
restore() {
  if [ $had_policy -eq 1 ]; then mv "$policy.natedge-saved" "$policy"; else rm -f "$policy"; fi
}
trap restore EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
