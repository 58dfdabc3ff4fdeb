#!/usr/bin/env bash
# Deltaprop with no flags against scikit-learn's MLPClassifier / MLPRegressor with their
# defaults, on the data sets scikit-learn ships (iris, wine, breast_cancer, digits, diabetes),
# written as CSV files with a header and, where scikit-learn names them, classes by name, and
# split 80/20 by a permutation seeded with 0: the same rows for both sides. Deltaprop is run as
# `deltaprop train --train X-train.csv --test X-test.csv` and --seed for each of SEEDS, with
# no other flag: not even for diabetes, whose last column of whole numbers (25..346) train takes
# as a number to predict by itself; scikit-learn with random_state the same seeds, alone and behind a
# StandardScaler (Deltaprop standardises features by default). Prints a Markdown table of the
# mean test accuracy (R² for diabetes) over the seeds, and the machine.
# Usage: bench/sklearn.sh [--seeds "1 2 3"] [--backend NAME]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../scripts/lib.sh"

seeds="1 2 3"
backend=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

find_jdk
find_maven
apt_ensure python3-sklearn || die "the comparison needs scikit-learn: apt-get install python3-sklearn"
build_jar
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The peer script's seeds must be these seeds.
peer_seeds=$(sed -n 's/^SEEDS = \[\(.*\)\]$/\1/p' "$here/sklearn_peer.py" | tr -d ',')
[ "$peer_seeds" = "$seeds" ] || echo "note: scikit-learn runs seeds $peer_seeds (SEEDS in sklearn_peer.py), Deltaprop $seeds"

/usr/bin/python3 "$here/sklearn_peer.py" write "$tmp"

echo "| data set | rows (train/test) | features | task | scikit-learn defaults | scikit-learn, scaled | Deltaprop, no flags | Deltaprop's run |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for name in iris wine breast_cancer digits diabetes; do
  metric=accuracy
  if [ "$name" = diabetes ]; then metric="R²"; fi
  scores=""
  for seed in $seeds; do
    out=$("$here/../scripts/deltaprop" train --train "$tmp/$name-train.csv" --test "$tmp/$name-test.csv" \
      --seed "$seed" --backend "$backend" --no-progress --curve none -o "$tmp/$name.safetensors")
    if [ "$metric" = accuracy ]; then
      score=$(sed -n 's/^test: .*accuracy \([0-9.]*\).*/\1/p' <<<"$out")
    else
      score=$(sed -n 's/^test: .*R² \([-0-9.]*\).*/\1/p' <<<"$out")
    fi
    scores+=" $score"
  done
  run=$(sed -n 's/^defaults for [0-9,]* training rows: \(.*\) (\([0-9,]*\) updates.*/\1, \2 updates/p' <<<"$out")
  shape=$(sed -n 's/^data: [^,]*, \([0-9]*\) training rows, \([0-9]*\) test; \([0-9]*\) features, \(.*\); scaling.*/\1\/\2 \3 \4/p' <<<"$out")
  read -r rows features classes <<<"$shape"
  read -r raw scaled <<<"$(/usr/bin/python3 "$here/sklearn_peer.py" score "$tmp" "$name")"
  mean=$(tr ' ' '\n' <<<"$scores" | awk 'NF {s += $1; n++} END {printf "%.4f", s / n}')
  echo "| $name | $rows | $features | ${classes%% (*} ($metric) | $raw | $scaled | $mean | $run |"
done
echo
bash "$here/machine.sh" "$JAVA_HOME/bin/java" "${DELTAPROP_JVM_FLAGS[@]}" -jar "$here/../cli/target/deltaprop.jar" 2>/dev/null | sed -n 1,3p
