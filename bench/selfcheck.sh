#!/usr/bin/env bash
# Output self-check cost next to signing: 1-page PDF at B-B..B-LTA, a large PDF at B-T and B-LTA.
# Usage: bench/selfcheck.sh [iterations] [megabytes]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl engine-pades -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
cp="engine-pades/target/test-classes:engine-pades/target/classes:$(cat engine-pades/target/bench.classpath)"
exec java -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=error -Xmx2g -cp "$cp" \
  com.certyneo.engine.pades.OutputSelfCheckBenchmark "$@"
