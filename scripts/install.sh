#!/bin/sh
# Installs an obs-automation release into a prefix that is also the workspace root
# (OBS_ROOT). Each release goes to <prefix>/releases/<release>-<commit>/, `current` links the
# active one, `previous` the one before, and <prefix>/bin/obs-* link into `current`. Workspace
# data — ops/, out/, log/, configs/ — is never replaced: an upgrade or rollback only switches
# the links. Installing the same release again changes nothing. See docs/deploy/README.md.
set -eu

usage() {
  cat <<'EOF'
Usage: install.sh --prefix <dir> [--tarball <file>] [--user <name>] [--keep <n>]
       install.sh --prefix <dir> --rollback
       install.sh --prefix <dir> --uninstall

  --prefix <dir>    installation and workspace root, e.g. /srv/obs-automation
  --tarball <file>  the release to install (default: the release this script is part of, or
                    dist-release/obs-automation-<version>.tar.gz of a checkout)
  --user <name>     the account the jobs run as: owns ops/, out/ and log/ (default: unchanged)
  --keep <n>        releases kept besides current and previous (default: 3)
  --rollback        make the previous release current again
  --uninstall       remove the releases and the bin/ links; ops/, out/, log/ and configs/ stay

Exit codes: 0 done; 1 the installation failed; 2 invalid usage.
EOF
}

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

usage_error() {
  echo "install.sh: $*" >&2
  usage >&2
  exit 2
}

prefix=
tarball=
user=
keep=3
action=install
while [ $# -gt 0 ]; do
  case $1 in
  --prefix | --tarball | --user | --keep)
    [ $# -ge 2 ] || usage_error "$1 needs a value"
    case $1 in
    --prefix) prefix=$2 ;;
    --tarball) tarball=$2 ;;
    --user) user=$2 ;;
    --keep) keep=$2 ;;
    esac
    shift 2
    ;;
  --rollback) action=rollback && shift ;;
  --uninstall) action=uninstall && shift ;;
  -h | --help) usage && exit 0 ;;
  *) usage_error "unknown argument $1" ;;
  esac
done
[ -n "$prefix" ] || usage_error "--prefix <dir> is required"
case $keep in '' | *[!0-9]*) usage_error "--keep must be a whole number, got $keep" ;; esac
mkdir -p "$prefix" || fail "cannot create $prefix"
prefix=$(cd "$prefix" && pwd -P)

# Replaces a symbolic link in one rename, so a cron run never sees it missing.
switch_link() {
  ln -sfn "$1" "$2.new.$$"
  mv -Tf "$2.new.$$" "$2"
}

# bin/obs-* for every binary of the current release; links to binaries it no longer has go.
link_binaries() {
  mkdir -p "$prefix/bin"
  for binary in "$prefix/current/bin/"obs-*; do
    [ -e "$binary" ] || fail "the release in $prefix/current has no bin/obs-* binaries"
    name=${binary##*/}
    link="$prefix/bin/$name"
    if [ -e "$link" ] && [ ! -L "$link" ]; then fail "$link exists and is not a link: move it away first"; fi
    [ "$(readlink "$link" 2>/dev/null || true)" = "../current/bin/$name" ] || switch_link "../current/bin/$name" "$link"
  done
  for link in "$prefix/bin/"obs-*; do
    [ -L "$link" ] || continue
    case $(readlink "$link") in ../current/bin/*) [ -e "$link" ] || rm -f "$link" ;; esac
  done
}

release_of() {
  readlink "$prefix/$1" 2>/dev/null || true
}

uninstall() {
  for link in "$prefix/bin/"obs-*; do
    [ -L "$link" ] || continue
    case $(readlink "$link") in ../current/bin/*) rm -f "$link" ;; esac
  done
  rmdir "$prefix/bin" 2>/dev/null || true
  rm -f "$prefix/current" "$prefix/previous"
  rm -rf "$prefix/releases"
  echo "install.sh: removed the releases and bin/ links from $prefix; ops/, out/, log/ and configs/ are kept"
}

rollback() {
  back_to=$(release_of previous)
  [ -n "$back_to" ] && [ -d "$prefix/$back_to" ] || fail "no previous release in $prefix to roll back to"
  rolled_back=$(release_of current)
  switch_link "$back_to" "$prefix/current"
  [ -z "$rolled_back" ] || switch_link "$rolled_back" "$prefix/previous"
  link_binaries
  echo "install.sh: $prefix/current is ${back_to#releases/} again (previous: ${rolled_back#releases/})"
}

# Sets `source`, the release folder to install: the tarball's, or the release this script is part of.
find_source() {
  here=$(cd "$(dirname "$0")/.." && pwd -P)
  if [ -z "$tarball" ]; then
    if [ -f "$here/BUILD_INFO.json" ]; then
      source=$here
      return
    fi
    version=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$here/package.json" 2>/dev/null | head -n 1)
    tarball="$here/dist-release/obs-automation-$version.tar.gz"
    [ -f "$tarball" ] || fail "no release to install: run pnpm release in $here, or pass --tarball <file>"
  fi
  [ -f "$tarball" ] || fail "--tarball $tarball does not exist"
  unpacked=$(mktemp -d)
  trap 'rm -rf "$unpacked"' EXIT
  tar -xzf "$tarball" -C "$unpacked" || fail "cannot extract $tarball"
  set -- "$unpacked"/obs-automation-*/BUILD_INFO.json
  [ $# -eq 1 ] && [ -f "$1" ] || fail "$tarball is not an obs-automation release"
  source=$(dirname "$1")
}

# A field of BUILD_INFO.json, written one key per line by scripts/release/build-release.mjs.
build_field() {
  sed -n "s/^  \"$2\": \"\\([^\"]*\\)\".*/\\1/p" "$1/BUILD_INFO.json"
}

# Node.js as old as the release's engines field allows, or a clear refusal.
check_node() {
  wanted=$(build_field "$1" node)
  command -v node >/dev/null 2>&1 || fail "node is not on PATH; the release needs Node.js $wanted"
  node -e '
    const wanted = process.argv[1].replace(/^>=\s*/, "").split(".").map(Number);
    const have = process.versions.node.split(".").map(Number);
    for (let i = 0; i < 3; i += 1) if ((have[i] ?? 0) !== (wanted[i] ?? 0)) process.exit((have[i] ?? 0) > (wanted[i] ?? 0) ? 0 : 1);
  ' "$wanted" || fail "node $(node --version) is older than the release needs ($wanted)"
}

# Copies the release into releases/ unless an intact copy is already there.
place_release() {
  target="$prefix/releases/$1"
  if [ -d "$target" ] && cmp -s "$source/FILES.sha256" "$target/FILES.sha256" &&
    (cd "$target" && sha256sum --quiet --check FILES.sha256 >/dev/null 2>&1); then
    touch "$target"
    return
  fi
  incoming="$prefix/releases/.incoming-$1.$$"
  rm -rf "$incoming"
  cp -R "$source" "$incoming"
  if ! (cd "$incoming" && sha256sum --quiet --check FILES.sha256); then
    rm -rf "$incoming"
    fail "the release in $source does not match its FILES.sha256: it is damaged or was edited"
  fi
  if [ -d "$target" ]; then
    mv "$target" "$target.replaced.$$"
    mv "$incoming" "$target"
    rm -rf "$target.replaced.$$"
  else
    mv "$incoming" "$target"
  fi
}

# ops/, out/, log/ and the example configs the workspace does not have yet; edits are kept.
prepare_workspace() {
  mkdir -p "$prefix/ops" "$prefix/out" "$prefix/log" "$prefix/configs/observability"
  for example in "$prefix/current/configs/observability/"*.yaml; do
    [ -e "$example" ] || continue
    config="$prefix/configs/observability/${example##*/}"
    [ -e "$config" ] || cp "$example" "$config"
  done
  [ -z "$user" ] || chown "$user:" "$prefix/ops" "$prefix/out" "$prefix/log" || fail "cannot give ops/, out/ and log/ to $user"
}

# Old releases beyond --keep go; current and previous always stay.
prune_releases() {
  kept=0
  for old_release in $(ls -1t "$prefix/releases"); do
    case "releases/$old_release" in "$(release_of current)" | "$(release_of previous)") continue ;; esac
    kept=$((kept + 1))
    [ "$kept" -le "$keep" ] || rm -rf "${prefix:?}/releases/$old_release"
  done
}

install_release() {
  find_source
  check_node "$source"
  release=$(build_field "$source" release)
  commit=$(build_field "$source" commit)
  [ -n "$release" ] && [ -n "$commit" ] || fail "$source/BUILD_INFO.json names no release and commit"
  id="$release-$commit"
  mkdir -p "$prefix/releases"
  place_release "$id"
  was_current=$(release_of current)
  if [ "$was_current" != "releases/$id" ]; then
    switch_link "releases/$id" "$prefix/current"
    [ -z "$was_current" ] || switch_link "$was_current" "$prefix/previous"
  fi
  link_binaries
  prepare_workspace
  prune_releases
  if [ "$was_current" = "releases/$id" ]; then
    echo "install.sh: obs-automation $release ($commit) is already current in $prefix"
  else
    echo "install.sh: installed obs-automation $release ($commit) in $prefix; binaries in $prefix/bin${was_current:+ (previous: ${was_current#releases/})}"
  fi
}

case $action in
install) install_release ;;
rollback) rollback ;;
uninstall) uninstall ;;
esac
