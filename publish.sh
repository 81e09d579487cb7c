#!/usr/bin/env bash
# Publishes both NatEdge processes into the install layout of the README ("Deploying"):
#   DESTDIR/opt/natedge/proxy/natedge-proxy      the proxy (framework-dependent, needs the .NET 10 runtime)
#   DESTDIR/opt/natedge/relay/natedge-relay      the media relay
#   DESTDIR/etc/natedge/natedge.cfg, relay.ini   the configuration, kept when already there
#   DESTDIR/etc/systemd/system/natedge-*.service the units, which start the two paths above
# DESTDIR defaults to / (a real install, as root); a package build or a test gives a folder.
# Further arguments go to both `dotnet publish` runs (for example --no-restore, -r linux-x64).
set -euo pipefail
cd "$(dirname "$0")"

destdir=${1:-/}
shift || true
prefix=${destdir%/}

dotnet publish src/Proxy/NatEdge.Proxy.csproj -c Release -nologo -clp:ErrorsOnly -p:SatelliteResourceLanguages=en -o "$prefix/opt/natedge/proxy" "$@"
dotnet publish src/MediaRelay/NatEdge.MediaRelay.csproj -c Release -nologo -clp:ErrorsOnly -p:SatelliteResourceLanguages=en -o "$prefix/opt/natedge/relay" "$@"

install -d -m 0755 "$prefix/etc/natedge" "$prefix/etc/systemd/system"
for file in natedge.cfg relay.ini; do
  # An operator's edited configuration survives a reinstall.
  [ -e "$prefix/etc/natedge/$file" ] || install -m 0644 "config/$file" "$prefix/etc/natedge/$file"
done
install -m 0644 config/systemd/natedge-proxy.service config/systemd/natedge-relay.service "$prefix/etc/systemd/system/"

echo "published to $prefix/opt/natedge/{proxy,relay}; configuration in $prefix/etc/natedge"
