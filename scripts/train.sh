#!/usr/bin/env bash
# The main job. For now: the universal-approximation demo (a later change makes this
# train on Fashion-MNIST). Extra arguments go to `deltaprop demo`.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
exec "$here/deltaprop" demo "$@"
