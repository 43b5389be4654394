#!/usr/bin/env bash
# Signing benchmark: engine vs raw DSS, B-B, B-T, B-LT, B-LTA, 1-page PDF, EC P-256, in-process TSA.
# Usage: bench/signing.sh [warmup] [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl engine-pades -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
cp="engine-pades/target/test-classes:engine-pades/target/classes:$(cat engine-pades/target/bench.classpath)"
exec java -Djava.awt.headless=true -Xmx1g -cp "$cp" com.certyneo.engine.pades.SigningBenchmark "$@"
