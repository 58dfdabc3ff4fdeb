#!/usr/bin/env bash
# The whole test suite: unit tests, the finite-difference checks and the cross-backend
# conformance suite (mvn verify). Finds a JDK 21+ and installs what the backends need.
#
# DELTAPROP_REQUIRE_BACKENDS=scalar,simd,opencl turns an unusable backend into a test
# failure instead of a skip (.ci/run sets it). Extra arguments go to Maven, e.g.
#   scripts/test.sh -Dtest=ConformanceTest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
find_jdk
find_maven
ensure_opencl || true
say "JDK: $JAVA_HOME ($("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1))"
cd "$DELTAPROP_ROOT"
exec mvn -B verify -Ddeltaprop.conformance.require="${DELTAPROP_REQUIRE_BACKENDS:-}" "$@"
