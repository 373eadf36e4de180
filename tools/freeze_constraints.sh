#!/usr/bin/env bash
# Pin every package the bot and its tests install (direct and transitive) in requirements/constraints.txt,
# so a fresh install is the same install. Run after changing a pin in requirements/*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
: > "$tmp/empty.txt"
sed "s|^-c constraints.txt|-c $tmp/empty.txt|" requirements/runtime.txt > "$tmp/runtime.txt"
sed "s|^-r runtime.txt|-r $tmp/runtime.txt|" requirements/test.txt > "$tmp/test.txt"
"$tmp/venv/bin/pip" install --quiet -r "$tmp/test.txt"
{
  echo "# Every installed package, pinned (tools/freeze_constraints.sh writes this file; don't edit it by hand)."
  "$tmp/venv/bin/pip" freeze --exclude-editable | grep -v '^pip=='
} > requirements/constraints.txt
echo "requirements/constraints.txt: $(grep -vc '^#' requirements/constraints.txt) packages"
