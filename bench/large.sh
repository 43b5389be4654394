#!/usr/bin/env bash
# Large-document benchmark: sign a generated PDF of N MB at B-T with a small heap.
# Usage: bench/large.sh [megabytes, default 150] [disk|memory, default disk] [max heap, default 256m]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl engine-pades -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
cp="engine-pades/target/test-classes:engine-pades/target/classes:$(cat engine-pades/target/bench.classpath)"
mb="${1:-150}"
pdf="${TMPDIR:-/tmp}/certyneo-large-$mb.pdf"
[ -f "$pdf" ] || java -Djava.awt.headless=true -Xmx4g -cp "$cp" com.certyneo.engine.pades.LargeDocumentBenchmark "$pdf" "$mb" generate
exec java -Djava.awt.headless=true -Xmx"${3:-256m}" -cp "$cp" com.certyneo.engine.pades.LargeDocumentBenchmark "$pdf" "$mb" "${2:-disk}"
