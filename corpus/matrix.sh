#!/usr/bin/env bash
# Prints the interop matrix: every file of the producer corpus x (SES, AES, QES) x (B-T, B-LT, B-LTA),
# signed by the sandbox engine, validated by raw DSS, read by the reader panel (poppler, qpdf, MuPDF,
# pdf.js, pypdf/pikepdf, the xref linter). Runs only InteropGateTest; the corpus is generated into
# engine-pades/target/interop/corpus on first use (or give one: CERTYNEO_CORPUS=DIR corpus/matrix.sh).
# Needs the tools .ci/run installs. Exit status: the test's.
set -uo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests || exit 1
./mvnw -B -q -pl engine-pades test -Dtest=InteropGateTest -Dsurefire.failIfNoSpecifiedTests=false
status=$?
cat engine-pades/target/interop-matrix.txt 2>/dev/null || echo "no matrix written (see the test output above)"
exit $status
