#!/usr/bin/env bash
# Extracts Debian 11 (bullseye)'s gRPC 1.30.2 and Protobuf 3.12.4 into a prefix,
# without installing anything system-wide, so forkcheck can be built against them:
#
#   tools/grpc_prefix/fetch_bullseye_grpc.sh [PREFIX]   # default /opt/forkcheck-grpc-1.30
#   FORKCHECK_GRPC_PREFIX=PREFIX ./forkcheck run --quick
#
# It downloads the .debs with a throw-away apt configuration (the system's apt
# sources stay untouched), unpacks them with `dpkg -x`, and writes pkg-config
# files into PREFIX/pkgconfig whose paths point into PREFIX (Debian's own .pc
# files say /usr, and its grpc .pc files name a wrong libdir). The prefix also
# holds the libraries bullseye's gRPC needs at run time that Debian 12 lacks
# (libssl1.1, abseil 20200923). PREFIX/PACKAGES lists what was extracted
# (package=version and the .deb's SHA-256).
# See README.md, "Comparing gRPC versions".
set -euo pipefail

PREFIX="${1:-/opt/forkcheck-grpc-1.30}"
MIRROR="${FORKCHECK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bullseye
KEYRING=/usr/share/keyrings/debian-archive-bullseye-stable.gpg
GRPC_VERSION=1.30.2-3
PROTOBUF_VERSION=3.12.4-1+deb11u1

# What is being compared is pinned; the runtime libraries they need are not
# (a bullseye point release may update them, e.g. libssl1.1).
PACKAGES=(
  "libgrpc++-dev=$GRPC_VERSION" "libgrpc-dev=$GRPC_VERSION"
  "libgrpc++1=$GRPC_VERSION" "libgrpc10=$GRPC_VERSION"
  "protobuf-compiler-grpc=$GRPC_VERSION"
  "libprotobuf-dev=$PROTOBUF_VERSION" "libprotobuf23=$PROTOBUF_VERSION"
  "libprotobuf-lite23=$PROTOBUF_VERSION" "libprotoc23=$PROTOBUF_VERSION"
  "protobuf-compiler=$PROTOBUF_VERSION"
  libabsl20200923 libssl1.1
)
# Modules forkcheck's build asks pkg-config for that this prefix provides.
PC_MODULES=(grpc++ grpc gpr protobuf)

die() { echo "fetch_bullseye_grpc: $*" >&2; exit 2; }

case "$PREFIX" in
  /*) ;;
  *) die "PREFIX must be an absolute path (got '$PREFIX'): it is written into .pc files and rpaths" ;;
esac
# The prefix is replaced whole: never something this script did not make.
if [ -e "$PREFIX" ] && [ ! -f "$PREFIX/PACKAGES" ]; then
  die "$PREFIX exists and was not made by this script (no PACKAGES file); choose another PREFIX or remove it yourself"
fi
[ -r "$KEYRING" ] || die "$KEYRING is missing; install Debian's debian-archive-keyring package"
for tool in apt-get dpkg-deb pkg-config; do
  command -v "$tool" >/dev/null || die "$tool not found (this needs a Debian system with pkg-config)"
done

work=$(mktemp -d)
staging=""
trap 'rm -rf "$work" ${staging:+"$staging"}' EXIT
mkdir -p "$work/etc/apt.conf.d" "$work/etc/preferences.d" "$work/etc/sources.list.d" \
  "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
touch "$work/status"
echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$work/etc/sources.list"
cat >"$work/apt.conf" <<CONF
Dir::Etc "$work/etc";
Dir::Etc::main "/dev/null";
Dir::Etc::parts "$work/etc/apt.conf.d";
Dir::State::lists "$work/lists";
Dir::State::status "$work/status";
Dir::Cache "$work/cache";
APT::Architecture "$(dpkg --print-architecture)";
CONF
if [ "$(id -u)" -eq 0 ]; then
  # Lets root download into this private directory without apt's _apt sandbox.
  echo 'APT::Sandbox::User "root";' >>"$work/apt.conf"
fi
export APT_CONFIG="$work/apt.conf"

echo "fetch_bullseye_grpc: reading $MIRROR $SUITE's package index" >&2
apt-get update -q >&2 || die "apt-get update against $MIRROR $SUITE failed"
(cd "$work/debs" && apt-get download -q "${PACKAGES[@]}" >&2) ||
  die "apt-get download failed for: ${PACKAGES[*]}"

# Unpack beside the prefix first, so a failure leaves an existing prefix as it was.
staging="$PREFIX.partial.$$"
rm -rf "$staging"
mkdir -p "$staging/pkgconfig"
for deb in "$work"/debs/*.deb; do
  dpkg-deb -x "$deb" "$staging"
  # shellcheck disable=SC2016 # dpkg-deb expands ${Package}, not the shell
  echo "$(dpkg-deb -W --showformat='${Package}=${Version}' "$deb") sha256:$(sha256sum <"$deb" | cut -d' ' -f1)" \
    >>"$staging/PACKAGES"
done

libgrpcxx=$(find "$staging/usr/lib" -name 'libgrpc++.so' | head -n 1)
[ -n "$libgrpcxx" ] || die "libgrpc++.so was not in the downloaded packages"
libdir="$PREFIX${libgrpcxx#"$staging"}"
libdir="${libdir%/*}"
for module in "${PC_MODULES[@]}"; do
  pc="$staging${libdir#"$PREFIX"}/pkgconfig/$module.pc"
  [ -r "$pc" ] || die "$module.pc was not in the downloaded packages"
  sed -e "s|^prefix=.*|prefix=$PREFIX/usr|" -e "s|^libdir=.*|libdir=$libdir|" "$pc" \
    >"$staging/pkgconfig/$module.pc"
done

rm -rf "$PREFIX"
mv "$staging" "$PREFIX"

# The prefix's tools must run from it, and pkg-config must find it.
version=$(LD_LIBRARY_PATH="$libdir" "$PREFIX/usr/bin/protoc" --version) ||
  die "the extracted protoc does not run"
grpc=$(PKG_CONFIG_PATH="$PREFIX/pkgconfig" pkg-config --modversion grpc++) ||
  die "pkg-config cannot read $PREFIX/pkgconfig/grpc++.pc"
echo "fetch_bullseye_grpc: gRPC $grpc and $version are in $PREFIX; build against them with:"
echo "  FORKCHECK_GRPC_PREFIX=$PREFIX ./forkcheck run --quick"
