#!/usr/bin/env bash
# Co-signing survey: signs every PDF of DIR (a producer's samples, another project's test files, documents already
# signed by other products) and checks that the new signature validates TOTAL_PASSED at its profile and, in
# production mode, that every earlier signature keeps its indication. Refusals with an engine error code are
# answers; anything else is a break. Prints one line per file and a summary; exit status 1 on any break.
#
# Usage: corpus/survey.sh DIR [PROFILE=B-LT] [sandbox|production, default production] [memory|disk, default memory]
# Outputs go to engine-pades/target/survey/<mode>/. Not run by CI: the corpora it is for are other projects' test
# sets (DSS's dss-pades/src/test/resources, pyHanko's test data, pdf.js's test/pdfs), fetched by whoever runs it.
set -euo pipefail
if [ $# -lt 1 ]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
in=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
./mvnw -q -B -o -pl engine-pades -am test-compile org.apache.maven.plugins:maven-dependency-plugin:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2 \
  || ./mvnw -q -B -pl engine-pades -am test-compile org.apache.maven.plugins:maven-dependency-plugin:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
cp="engine-pades/target/test-classes:engine-pades/target/classes:$(cat engine-pades/target/bench.classpath)"
mode="${3:-production}"
out="engine-pades/target/survey/$mode-${2:-B-LT}-${4:-memory}"
exec java -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=error -Xmx2g -cp "$cp" \
  com.certyneo.engine.pades.CosigningSurvey "$in" "$out" "${2:-B-LT}" "$mode" "${4:-memory}"
