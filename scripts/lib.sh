# Shared by the scripts: find Swift, and install every package the project needs, named here once.
# shellcheck shell=bash

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH=/opt/swift/usr/bin:$PATH
fi

# Every Debian package, by who needs it.
BUILD_PACKAGES=(libcsv-dev zlib1g-dev pkg-config)   # CLibCSV (Debian ships no .pc file); ZIPFoundation (zlib via pkg-config)
TEST_PACKAGES=(
  ntfs-3g       # mkntfs, ntfs-3g (FUSE mount), ntfssecaudit, ntfsls: real NTFS images
  attr          # getfattr: ntfs-3g's system.ntfs_acl, the ACL tests' second opinion
  python3       # the fixture writers in scripts/
  python3-pip   # PyPI peers below
  findutils     # find: per-folder counts by hand
  util-linux    # setpriv (run as nobody), mount helpers
  gzip          # the crafted seeds in ../shared/reference/crafted are gzip'd
  time          # /usr/bin/time -f %M: peak memory of the fuzz children
  gcc           # the bare C libcsv loop the trace bench compares with
  qemu-utils    # qemu-img: virtual disks in the image tests
  xz-utils      # xz: the reference hives in ../shared/reference/registry are xz'd
  chromium      # headless: the case report page opened from file://, its DOM and a screenshot
  sleuthkit     # icat, fls: a $MFT copied out of an image as collectors do, and a second listing of it
  poppler-utils # pdfinfo, pdftotext: the report printed to PDF by Chromium, read back
  fdisk         # sfdisk: an MBR disk whose NTFS volume is a logical drive in an extended partition
)
# Every PyPI package: the peers we are cross-checked against, in requirements-test.txt (one requirement per
# line, with the module it provides after "# import:"), read into "requirement:module" entries.
PYPI_REQUIREMENTS=requirements-test.txt
PYPI_PACKAGES=()
while read -r line; do
  req=${line%%#*}; req=${req//[[:space:]]/}
  [ -n "$req" ] || continue
  module=${line#*import: }; module=${module%% *}
  PYPI_PACKAGES+=("$req:$module")
done < "$(dirname "${BASH_SOURCE[0]}")/../$PYPI_REQUIREMENTS"

# The external commands the tests and the fuzz run call, each with the package that provides it.
TEST_COMMANDS=(
  "mkntfs:ntfs-3g" "ntfs-3g:ntfs-3g" "ntfssecaudit:ntfs-3g" "getfattr:attr" "python3:python3"
  "find:findutils" "setpriv:util-linux" "gzip:gzip" "/usr/bin/time:time" "qemu-img:qemu-utils"
  "fusermount:fuse3|fuse" "xz:xz-utils" "chromium:chromium"
  "pdfinfo:poppler-utils" "pdftotext:poppler-utils" "sfdisk:fdisk" "fls:sleuthkit"
)

_sudo() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "setup: run as root or install by hand: $*" >&2; return 1; fi
}

# need_packages PKG... : installs the Debian packages that are missing (apt-get update first).
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing ${missing[*]} and no apt-get here (macOS: brew install libcsv)" >&2
    return 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  _sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive _sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# need_pypi REQ[:MODULE]... : installs each PyPI requirement whose module (by default the name with - as _)
# does not import (python3 -m pip install REQ, as pip install -r requirements-test.txt would).
need_pypi() {
  local entry p module
  for entry in "$@"; do
    p=${entry%%:*}
    if [ "$entry" = "$p" ]; then module=${p//-/_}; else module=${entry#*:}; fi
    python3 -c "import $module" 2>/dev/null && continue
    echo "setup: installing $p (PyPI)" >&2
    python3 -m pip install --quiet "$p" 2>/dev/null \
      || python3 -m pip install --quiet --break-system-packages "$p" \
      || { echo "setup: could not install $p from PyPI (python3 -m pip install $p)" >&2; return 1; }
  done
}

# check_commands: every external command the tests call resolves, or fail naming the package.
check_commands() {
  local entry cmd pkg bad=0
  for entry in "${TEST_COMMANDS[@]}"; do
    cmd=${entry%%:*}; pkg=${entry#*:}
    if [ "${cmd:0:1}" = / ]; then [ -x "$cmd" ] && continue
    else command -v "$cmd" >/dev/null 2>&1 && continue; PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null 2>&1 && continue; fi
    echo "test: $cmd not found: install ${pkg//|/ or } (apt-get install ${pkg%%|*})" >&2
    bad=1
  done
  local p
  local entry
  for entry in "${PYPI_PACKAGES[@]}"; do
    p=${entry%%:*}
    python3 -c "import ${entry#*:}" 2>/dev/null || { echo "test: python module ${entry#*:} missing: python3 -m pip install '$p'" >&2; bad=1; }
  done
  return $bad
}

require_swift() {
  command -v swift >/dev/null 2>&1 || { echo "setup: swift not found (expected on PATH or at /opt/swift)" >&2; return 1; }
}
