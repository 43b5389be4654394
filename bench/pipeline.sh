#!/usr/bin/env bash
# Issue 11 benchmark harness: engine vs raw DSS 6.2 vs floor, one table per target, PASS/FAIL each,
# then the CLI's whole-process cost. Inputs and outputs live in target/bench (generated once, not in git);
# the whole report is also saved to target/bench/pipeline-MODE-DATE.txt.
#
# Usage: bench/pipeline.sh [quick|full] [sections]
#   quick  (about 4-5 min on a busy 2-core machine) 1 page, 10 pages, 20 MB; fewer iterations and chains (7 runs per checkpoint);
#          heap children on 20 MB
#   full   (about 20-25 min) adds 150 MB to the size table, raw DSS chains, the sandbox 30-signer validation,
#          150 MB and 500 MB heap children with -Xmx256m
#   sections: comma-separated subset of size,seq,validate,threads,aes,heap,cli (default: all)
#
# One Maven build compiles the engine, the harness and (for cli) the CLI jar; all are copied to
# target/bench/classpath and target/bench/cli first, so that other builds in this working tree cannot change
# the code under measurement midway. BENCH_REUSE_CLASSES=1 skips the build and measures those copies again
# (e.g. a saved "before" build while the working tree does not compile).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
sections="${2:-size,seq,validate,threads,aes,heap,cli}"
case "$mode" in quick|full) ;; *) echo "usage: bench/pipeline.sh [quick|full] [sections]" >&2; exit 2 ;; esac
mkdir -p target/bench/out
report="target/bench/pipeline-$mode-$(date -u +%Y%m%dT%H%M%SZ).txt"
started=$(date +%s)
with_cli=0
[[ ",$sections," == *",cli,"* ]] && with_cli=1

snap=target/bench/classpath
cli=target/bench/cli
if [ "${BENCH_REUSE_CLASSES:-0}" = 1 ] && [ -f "$snap/classpath.txt" ]; then
  echo "reusing the classes copied at $(date -u -r "$snap/classpath.txt" +%FT%TZ) (BENCH_REUSE_CLASSES=1)" >&2
else
  if [ "$with_cli" = 1 ]; then
    # package (tests compiled, not run) also builds engine-cli/target/certyneo-cli.jar and its lib/
    ./mvnw -q -B -o -DskipTests -pl engine-pades,engine-cli -am package org.apache.maven.plugins:maven-dependency-plugin:build-classpath \
      -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
  else
    ./mvnw -q -B -o -pl engine-pades -am test-compile org.apache.maven.plugins:maven-dependency-plugin:build-classpath \
      -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
  fi
  rm -rf "$snap"
  mkdir -p "$snap"
  entries=()
  for entry in engine-pades/target/test-classes engine-pades/target/classes $(tr ':' ' ' < engine-pades/target/bench.classpath); do
    if [ -d "$entry" ]; then
      copy="$snap/$(realpath --relative-to="$PWD" "$entry" | tr '/' '_')"
      cp -r "$entry" "$copy"
      entries+=("$copy")
    else
      entries+=("$entry")
    fi
  done
  [ -f "$snap/engine-pades_target_test-classes/com/certyneo/engine/pades/PipelineBenchmark.class" ] || {
    echo "PipelineBenchmark.class missing from the copied classes (a concurrent build?): run again" >&2; exit 1; }
  (IFS=:; echo "${entries[*]}") > "$snap/classpath.txt"
  echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown) + working tree as built at $(date -u +%FT%TZ)" > "$snap/commit.txt"
  if [ "$with_cli" = 1 ]; then
    rm -rf "$cli"
    mkdir -p "$cli"
    cp engine-cli/target/certyneo-cli.jar "$cli/"
    cp -r engine-cli/target/lib "$cli/lib"
  fi
fi
cp="$(cat "$snap/classpath.txt")"
commit="$(cat "$snap/commit.txt" 2>/dev/null || echo unknown)"

java_sections="$(echo "$sections" | tr ',' '\n' | grep -v '^cli$' | paste -sd, - || true)"
{
  if [ -n "$java_sections" ]; then
    java -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=error -Xmx3g -Xss4m \
      -Dbench.commit="$commit" -cp "$cp" com.certyneo.engine.pades.PipelineBenchmark "$mode" "$java_sections"
  fi

  if [ "$with_cli" = 1 ]; then
    # Whole-process CLI cost: sandbox AES B-T sign of the 1-page PDF, then validate it (--sandbox), help and
    # version; ./certyneo as people run it (its start-up archive, C1 only, serial GC; a first, unmeasured run
    # builds if needed, prepares the archive and the home), and plain "java -jar" on the copied jar for reference.
    [ -f "$cli/certyneo-cli.jar" ] || { echo "no $cli/certyneo-cli.jar: run without BENCH_REUSE_CLASSES" >&2; exit 1; }
    home=target/bench/cli-home
    in=target/bench/pages-1.pdf
    out=target/bench/out/cli-signed.pdf
    [ -f "$in" ] || { echo "no $in: run a Java section first" >&2; exit 1; }
    jar=(java -Djava.awt.headless=true -jar "$cli/certyneo-cli.jar")
    launcher=(./certyneo)
    sign_args=(sign "$in" -o "$out" --home "$home" --level AES --profile B-T --signer "Bench Signer <bench@example.com>" --auth sms-otp)
    val_args=(validate "$out" --home "$home" --sandbox)
    "${launcher[@]}" "${sign_args[@]}" >/dev/null
    "${jar[@]}" "${sign_args[@]}" >/dev/null
    runs="${BENCH_CLI_RUNS:-10}"
    # median and min of $runs wall times, in ms
    time_ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
    stats() { for _ in $(seq "$runs"); do time_ms "$@"; done | sort -n | awk '{a[NR]=$1} END {printf "%d ms (min %d)", a[int((NR+1)/2)], a[1]}'; }
    row() { printf '%-32s  %-20s  %-20s\n' "$1" "$(stats "${launcher[@]}" "${@:2}")" "$(stats "${jar[@]}" "${@:2}")"; }
    "${launcher[@]}" "${val_args[@]}" >/dev/null 2>&1 && val_exit=0 || val_exit=$?
    echo
    echo "## CLI whole-process wall time, median (min) of $runs (1-page sandbox AES B-T)   [load avg $(cut -d' ' -f1-3 /proc/loadavg)]"
    printf '%-32s  %-20s  %-20s\n' "case" "./certyneo" "java -jar (plain)" "--------------------------------" "--------------------" "--------------------"
    row "sign --level AES --profile B-T" "${sign_args[@]}"
    row "validate --sandbox" "${val_args[@]}"
    row "--help" --help
    row "--version" --version
    echo "  note: ./certyneo = the launcher (stale-sources check, start-up archive, -XX:TieredStopAtLevel=1, serial GC);"
    echo "        java -jar = the CLI jar of this build copied to $cli, no start-up options (what the launcher ran before"
    echo "        it had them). Home $home prepared by a first run; validate exit code $val_exit. Load: [load avg $(cut -d' ' -f1-3 /proc/loadavg)]"
  fi
  echo
  echo "total wall time $(( $(date +%s) - started )) s (mode $mode)"
} 2>&1 | tee "$report"
echo "report saved to $report" >&2
