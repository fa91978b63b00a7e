#!/usr/bin/env bash
# Proves the README's quick start as a new user meets it: a fresh clone of the committed main,
# a fresh HOME, no pnpm on PATH and an empty npm global prefix. Runs the README's two commands,
# exactly as written there, in order.
set -euo pipefail
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git clone --quiet "$repo" "$work/clone"
mkdir -p "$work/home" "$work/bin" "$work/npm-global"
# A PATH with every tool of this machine except pnpm.
for tool in /usr/local/bin/* /usr/bin/*; do
  name=$(basename "$tool")
  case "$name" in pnpm | pnpx) continue ;; esac
  [ -e "$work/bin/$name" ] || ln -s "$tool" "$work/bin/$name"
done
export HOME="$work/home" NPM_CONFIG_PREFIX="$work/npm-global" PATH="$work/npm-global/bin:$work/bin"
unset PNPM_HOME npm_config_prefix || true

cd "$work/clone"
mapfile -t commands < <(awk '/^## Quick start/{q=1} q&&/^```sh/{f=1;next} f&&/^```/{exit} f' README.md | sed -E 's/[[:space:]]+#.*$//')
if [ "${#commands[@]}" -ne 2 ]; then
  echo "README quick start must hold exactly two commands, found ${#commands[@]}" >&2
  exit 1
fi
if command -v pnpm >/dev/null 2>&1; then
  echo "pnpm is still on PATH; the check would not prove the install step" >&2
  exit 1
fi
for command in "${commands[@]}"; do
  echo "+ $command" >&2
  bash -c "$command"
done
echo "fresh-clone check passed: both README commands succeeded on a fresh clone" >&2
