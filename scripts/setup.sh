#!/bin/sh
# The one setup step both README commands run: installs what clickvm needs
# that npm does not bring (C compiler, QEMU, valgrind), the npm packages, and
# builds the TypeScript. Safe to run repeatedly; does nothing when all is there.
set -e
cd "$(dirname "$0")/.."

missing=""
# ip (iproute2): the AF_PACKET tests' network namespaces; tcpreplay: benchmarks/veth.ts's baseline
# clang: the native fuzz targets (libFuzzer, test/fuzz/native)
for pair in gcc:gcc clang:clang make:make qemu-system-x86_64:qemu-system-x86 valgrind:valgrind ip:iproute2 tcpreplay:tcpreplay; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -e /usr/include/stdio.h ] || missing="$missing libc6-dev"
# libFuzzer's runtime: only a recommendation of Debian 12's clang, so not pulled in below
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || missing="$missing libclang-rt-14-dev"
# zlib: the native FromDump reads gzip-compressed traces
[ -e /usr/include/zlib.h ] || missing="$missing zlib1g-dev"
# musl: the VM image's C library, linked statically (vm-image/build.ts)
[ -e /usr/lib/x86_64-linux-musl/libc.a ] || missing="$missing musl-dev"
command -v musl-gcc >/dev/null 2>&1 || missing="$missing musl-tools"
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npx tsc -p .
