#!/usr/bin/env bash
# Fuzzes the readers and the command line with Jazzer (docs/FUZZING.md): each @FuzzTest class
# in its own JVM, one after the other, for an equal share of the time or a number of inputs
# each. A finding fails the run and is saved beside the committed inputs of its test
# (src/test/resources/.../<Test>Inputs/<method>/crash-…), to be fixed and committed with the fix.
# The corpus each target grows is kept in core/.cifuzz-corpus and cli/.cifuzz-corpus for the
# next run. Prints, per target, the inputs run, the seconds and the inputs a second.
#
#   scripts/fuzz.sh                    # 1 minute in all (what CI runs)
#   scripts/fuzz.sh --minutes 60       # the release run
#   scripts/fuzz.sh --runs 1000000     # a number of inputs per target
#   scripts/fuzz.sh --minutes 5 IdxReaderFuzzTest   # some targets only (test class names)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TARGETS=(ModelFileFuzzTest IdxReaderFuzzTest CsvReaderFuzzTest NpyPairFuzzTest StoreFolderFuzzTest MainFuzzTest)
minutes=1
runs=""
chosen=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="${2:?--minutes needs a number}"; shift 2 ;;
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (--minutes N, --runs N, then test class names)" ;;
    *) chosen+=("$1"); shift ;;
  esac
done
[ ${#chosen[@]} -gt 0 ] || chosen=("${TARGETS[@]}")
for target in "${chosen[@]}"; do
  [[ " ${TARGETS[*]} " == *" $target "* ]] || die "no fuzz test $target; the targets: ${TARGETS[*]}"
done
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--minutes takes a number of minutes, got '$minutes'"
[ -z "$runs" ] || [[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs takes a positive count, got '$runs'"

find_jdk
find_maven
cd "$DELTAPROP_ROOT"
if [ -n "$runs" ]; then
  export JAZZER_MAX_EXECUTIONS="$runs" JAZZER_MAX_DURATION=100000h
  say "fuzzing ${chosen[*]}: $runs inputs each"
else
  share=$(awk -v m="$minutes" -v n="${#chosen[@]}" 'BEGIN { s = int(m * 60 / n); print (s < 1 ? 1 : s) }')
  export JAZZER_MAX_DURATION="${share}s"
  say "fuzzing ${chosen[*]}: ${share} s each"
fi
log=$(mktemp --suffix=.log)
# JAZZER_FUZZ turns the @FuzzTests from replaying their inputs into fuzzing. reuseForks=false: a
# JVM per test class, since Jazzer fuzzes one test per JVM. The heap is small so that an
# allocation sized by a header fails here rather than passing on a large machine; an input
# taking more than 10 s is a finding (libFuzzer's -timeout, from JUnit's timeout, which JUnit
# itself then leaves unenforced: it would stop the whole run). Jazzer instruments the classes it
# fuzzes with an agent it loads into the running JVM (off in plain builds: deltaprop.fuzz.hooks).
# One Maven run per module: a finding in core would otherwise skip the cli module's targets.
status=0
for module in core cli; do
  tests=()
  for target in "${chosen[@]}"; do
    [ "$target" = MainFuzzTest ] && in=cli || in=core
    [ "$in" = "$module" ] && tests+=("$target")
  done
  [ ${#tests[@]} -gt 0 ] || continue
  JAZZER_FUZZ=1 mvn -B -Dstyle.color=never -pl "$module" -am test \
    -Dtest="$(IFS=,; echo "${tests[*]}")" -Dsurefire.failIfNoSpecifiedTests=false -DreuseForks=false \
    -Ddeltaprop.fuzz.hooks=true -Ddeltaprop.test.jvm.flags="-Xmx512m -XX:+EnableDynamicAgentLoading" \
    -Djunit.jupiter.execution.timeout.testtemplate.method.default=10s \
    -Djunit.jupiter.execution.timeout.mode=disabled >>"$log" 2>&1 || status=$?
done
# libFuzzer's last line per target: "Done N runs in S second(s)", after surefire's "Running <class>".
awk '/Running org\.deltaprop\./ { sub(/.*Running /, ""); target = $0 }
     /^Done [0-9]+ runs in [0-9]+ second/ { printf "%-40s %12d inputs %6d s %10.0f inputs/s\n", target, $2, $5, $2 / ($5 > 0 ? $5 : 1) }' "$log" >&2
if [ "$status" -ne 0 ]; then
  # A timeout ends the JVM itself (surefire: "The forked VM terminated"); libFuzzer names its input.
  grep -aE "Tests run:.*Fail|FAILURE|ERROR\]|== Java Exception|libFuzzer: timeout|Test unit written" "$log" | head -n 40 >&2 || true
  die "fuzzing found a problem or failed (exit $status); Maven's whole output is in $log"
fi
rm -f "$log"
say "no findings"
