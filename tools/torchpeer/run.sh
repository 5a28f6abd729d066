#!/bin/sh
# Builds and runs the libtorch peer: tools/torchpeer/run.sh small|medium [N]  (one JSON line).
# TorchSharp 0.107.0's native part needs libstdc++ with GLIBCXX_3.4.32 (GCC 13; glibc ≥ 2.38 in practice: Debian 13,
# Ubuntu 24.04). On an older system (Debian 12) point TORCHPEER_LIBDIR at a directory holding Debian 13's libc6 and
# libstdc++6 (`apt-get download`, `dpkg -x`) and TORCHPEER_DOTNET at a copy of the dotnet host whose interpreter is
# that directory's ld-linux (patchelf --set-interpreter; host/ and shared/ linked beside it): see docs/performance.md.
# TORCHPEER_NO_BUILD=1 skips the build (when it is done already).
set -e
cd "$(dirname "$0")"
[ "$TORCHPEER_NO_BUILD" = 1 ] || dotnet build -c Release -v q -nologo >/dev/null
dll=bin/Release/net10.0/TorchPeer.dll
if [ -n "$TORCHPEER_LIBDIR" ]; then
  exec env LD_LIBRARY_PATH="$TORCHPEER_LIBDIR:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu" "$TORCHPEER_DOTNET" "$dll" "$@"
fi
exec dotnet "$dll" "$@"
