#!/usr/bin/env bash
# Installs SimpleSAMLphp (Debian package) and the PHP it needs, as the stand-in
# for ACM in test/integration/upstream/. Idempotent: installs only what is
# missing and runs `apt-get update` only then. Needs root (CI runs as root).
# The tests configure and start the IdP themselves (test/helpers/simplesamlphp.ts).
set -euo pipefail

PACKAGES=(simplesamlphp php-cli php-xml php-mbstring php-curl php-sqlite3 openssl)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "simplesamlphp peer: already installed"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "simplesamlphp peer: installed ${missing[*]}"
