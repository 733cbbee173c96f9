# Shared by the scripts: find Swift, install the Debian packages the project needs.
# shellcheck shell=bash

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH=/opt/swift/usr/bin:$PATH
fi

# need_packages PKG... : installs the Debian packages that are missing (apt-get update first).
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
      echo "setup: missing ${missing[*]}; run as root or install them: apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing ${missing[*]} and no apt-get here (macOS: brew install libcsv)" >&2
    return 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

require_swift() {
  command -v swift >/dev/null 2>&1 || { echo "setup: swift not found (expected on PATH or at /opt/swift)" >&2; return 1; }
}
