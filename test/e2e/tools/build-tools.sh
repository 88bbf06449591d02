#!/usr/bin/env bash
# Builds the real tools the e2e and integration suites run, from Go modules only (the Go module proxy), pinned in
# versions.env. Nothing built here is committed: binaries and the generated wrapper modules live in a cache outside
# the clone, one directory per tool keyed by its version and the Go version, so a later run starts in seconds.
#
#   build-tools.sh [--budget SECONDS] [--list] TOOL...
#   TOOL: kube (kube-apiserver, kube-controller-manager, kube-scheduler), etcd, kwok, pulumi (CLI),
#         provider (pulumi-resource-kubernetes), consul, netpol (netpol-analyzer), or "e2e" (all of the e2e tools:
#         kube etcd kwok pulumi provider consul; consul for test/e2e/networkset-sync.e2e.test.ts)
#
# Prints one line per tool: "tool <name> <version>: cached <dir>" or "tool <name> <version>: built in <s> s (<MB>)".
# Exit 0: every tool asked for is in the cache. Exit 75: the budget ran out before a build finished (a partial
# build stays in the Go build cache, so the next run continues); the reason is printed as "budget: ...".
# Exit 1: a build failed (the go command's output is printed).
#
# Cache: $CALICO_BASELINE_TOOLS (default ${XDG_CACHE_HOME:-$HOME/.cache}/calico-baseline-tools). The Go module and
# build caches are the machine's own (go env GOMODCACHE / GOCACHE), shared by every tool.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache="${CALICO_BASELINE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/calico-baseline-tools}"
budget=""
list=0
tools=()
while [ $# -gt 0 ]; do
  case "$1" in
    --budget) budget="$2"; shift 2 ;;
    --list) list=1; shift ;;
    e2e) tools+=(kube etcd kwok pulumi provider consul); shift ;;
    *) tools+=("$1"); shift ;;
  esac
done
[ "${#tools[@]}" -gt 0 ] || { echo "usage: build-tools.sh [--budget SECONDS] [--list] TOOL..." >&2; exit 2; }

command -v go >/dev/null || { echo "budget: no Go toolchain on PATH" >&2; exit 75; }
gov="$(go env GOVERSION)"
start_all=$(date +%s)
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

# The directory a tool's binaries live in; the key names every input that changes the binary.
tool_dir() { echo "$cache/$1-$2-$gov"; }

remaining() {
  if [ -z "$budget" ]; then echo 0; return; fi
  local left=$(( budget - ($(date +%s) - start_all) ))
  [ "$left" -gt 0 ] || left=1
  echo "$left"
}

# run_go DIR CMD...: runs a go command in DIR under the remaining budget; 124 from timeout becomes exit 75.
run_go() {
  local dir="$1"; shift
  local t; t=$(remaining)
  local rc=0
  if [ "$t" = 0 ]; then
    (cd "$dir" && "$@") >"$dir/.log" 2>&1 || rc=$?
  else
    (cd "$dir" && timeout --signal=TERM "$t" "$@") >"$dir/.log" 2>&1 || rc=$?
  fi
  if [ "$rc" = 124 ]; then
    echo "budget: the ${budget}s build budget ran out during: $*" >&2
    exit 75
  fi
  if [ "$rc" != 0 ]; then
    echo "build failed ($rc) in $dir: $*" >&2
    tail -n 60 "$dir/.log" >&2
    exit 1
  fi
}

size_of() { du -sm "$1" | cut -f1; }

# done_or_build NAME VERSION FUNCTION BINARY...: skips the build when every binary is in the cache.
done_or_build() {
  local name="$1" version="$2" fn="$3"; shift 3
  local dir; dir="$(tool_dir "$name" "$version")"
  local missing=0 b
  for b in "$@"; do [ -x "$dir/bin/$b" ] || missing=1; done
  if [ "$missing" = 0 ]; then
    echo "tool $name $version: cached $dir/bin"
    return
  fi
  if [ "$list" = 1 ]; then echo "tool $name $version: missing"; return; fi
  mkdir -p "$dir/src" "$dir/bin"
  local t0; t0=$(date +%s)
  "$fn" "$dir" "$version"
  for b in "$@"; do [ -x "$dir/bin/$b" ] || { echo "build of $name produced no $b" >&2; exit 1; }; done
  echo "tool $name $version: built in $(( $(date +%s) - t0 )) s ($(size_of "$dir/bin") MB in $dir/bin)"
}

ldflags_strip="-s -w"

build_kube() {
  local dir="$1" v="$2" src="$1/src"
  local mod; mod="$(go env GOMODCACHE)/k8s.io/kubernetes@$v"
  if [ ! -f "$src/go.mod" ]; then
    (cd "$src" && go mod init calico-baseline.local/tools/kube >/dev/null 2>&1)
    run_go "$src" go mod download "k8s.io/kubernetes@$v"
    # Only the staging modules k8s.io/kubernetes' go.mod requires (v0.0.0 placeholders): not all of them are served.
    local m
    for m in $(awk '/^require \(/{r=1;next} r&&/^\)/{r=0} r&&$1 ~ /^k8s\.io\// && $2=="v0.0.0"{print $1}' "$mod/go.mod"); do
      (cd "$src" && go mod edit -replace "$m=$m@$KUBERNETES_STAGING_VERSION")
    done
  fi
  run_go "$src" go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$v" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@$v" "k8s.io/kubernetes/cmd/kube-scheduler@$v"
  local minor="${v#v1.}"; minor="${minor%%.*}"
  local ld="$ldflags_strip" pkg key
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    for key in "gitVersion=$v" "gitMajor=1" "gitMinor=$minor" "gitTreeState=clean" "buildDate=1970-01-01T00:00:00Z"; do
      ld="$ld -X $pkg.$key"
    done
  done
  run_go "$src" go build -trimpath -ldflags "$ld" -o "$dir/bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
}

build_etcd() {
  local dir="$1" v="$2" src="$1/src"
  if [ ! -f "$src/go.mod" ]; then
    (cd "$src" && go mod init calico-baseline.local/tools/etcd >/dev/null 2>&1)
  fi
  run_go "$src" go get -tool "go.etcd.io/etcd/server/v3@$v"
  run_go "$src" go get "go.etcd.io/etcd/api/v3@$v" "go.etcd.io/etcd/client/pkg/v3@$v" "go.etcd.io/etcd/client/v3@$v" "go.etcd.io/etcd/pkg/v3@$v"
  run_go "$src" go build -trimpath -ldflags "$ldflags_strip" -o "$dir/bin/etcd" go.etcd.io/etcd/server/v3
}

build_kwok() {
  local dir="$1" v="$2" src="$1/src"
  if [ ! -f "$src/go.mod" ]; then
    (cd "$src" && go mod init calico-baseline.local/tools/kwok >/dev/null 2>&1)
  fi
  run_go "$src" go get -tool "sigs.k8s.io/kwok/cmd/kwok@$v"
  run_go "$src" go build -trimpath -ldflags "$ldflags_strip -X sigs.k8s.io/kwok/pkg/consts.Version=${v#v}" -o "$dir/bin/kwok" sigs.k8s.io/kwok/cmd/kwok
  # kwok loads no stages by itself. The harness passes the module's "fast" Stage documents (node/fast,
  # node/heartbeat-with-lease, pod/fast) from the Go module cache, where `go get` left them; see
  # test/e2e/support/tools.ts. (Copying them by file name alone would pick pod/general's, which keep pods Pending.)
  local mod; mod="$(go env GOMODCACHE)/sigs.k8s.io/kwok@$v"
  [ -f "$mod/kustomize/stage/pod/fast/pod-ready.yaml" ] || { echo "kwok $v has no kustomize/stage/pod/fast/pod-ready.yaml in $mod" >&2; exit 1; }
}

build_pulumi() {
  local dir="$1" v="$2" src="$1/src"
  if [ ! -f "$src/go.mod" ]; then
    (cd "$src" && go mod init calico-baseline.local/tools/pulumi >/dev/null 2>&1)
  fi
  run_go "$src" go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$v"
  # Tags and version variable as pulumi/pulumi's .goreleaser.yml builds the release binary.
  run_go "$src" go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "$ldflags_strip -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$v" \
    -o "$dir/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

# The provider version the installed @pulumi/kubernetes asks for (its package.json "pulumi.version").
sdk_provider_version() {
  node -e 'const p=require(process.argv[1]);const v=(p.pulumi&&p.pulumi.version)||p.version;process.stdout.write(v.replace(/^v/,""))' \
    "$here/../../../node_modules/@pulumi/kubernetes/package.json"
}

build_provider() {
  local dir="$1" v="$2" src="$1/src"
  local modpath="github.com/pulumi/pulumi-kubernetes/provider/v4"
  local want; want="$(sdk_provider_version)"
  if [ ! -f "$src/go.mod" ]; then
    (cd "$src" && go mod init calico-baseline.local/tools/provider >/dev/null 2>&1)
  fi
  run_go "$src" go mod download "$modpath@$v"
  local mod; mod="$(go env GOMODCACHE)/$modpath@$v"
  # The module's cmd/ embeds generated, gitignored files: a wrapper main serves the schema copied from the module,
  # with its version set as the module's own generate.go does. The pulumi pkg version stays the one the
  # provider's go.mod asks for (pkg/v3 >= 3.247 changed PackageSpec.Provider to a pointer and breaks the build).
  mkdir -p "$src/cmd/pulumi-resource-kubernetes"
  node -e 'const fs=require("fs");const s=JSON.parse(fs.readFileSync(process.argv[1]));s.version=process.argv[3];fs.writeFileSync(process.argv[2],JSON.stringify(s))' \
    "$mod/cmd/pulumi-resource-kubernetes/schema.json" "$src/cmd/pulumi-resource-kubernetes/schema-embed.json" "$want"
  node -e 'const fs=require("fs");fs.writeFileSync(process.argv[2],JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1]))))' \
    "$mod/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$src/cmd/pulumi-resource-kubernetes/terraform-mapping-embed.json"
  cat >"$src/cmd/pulumi-resource-kubernetes/main.go" <<'GO'
// Generated by calico-baseline's test/e2e/tools/build-tools.sh: serves the pulumi-kubernetes provider module.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
GO
  local pkgv; pkgv="$(awk '$1=="github.com/pulumi/pulumi/pkg/v3"{print $2}' "$mod/go.mod")"
  local sdkv; sdkv="$(awk '$1=="github.com/pulumi/pulumi/sdk/v3"{print $2}' "$mod/go.mod")"
  run_go "$src" go get "$modpath@$v" "github.com/pulumi/pulumi/pkg/v3@$pkgv" "github.com/pulumi/pulumi/sdk/v3@$sdkv"
  run_go "$src" go mod tidy
  # Pin back anything tidy raised above the provider's own requirements.
  run_go "$src" go get "github.com/pulumi/pulumi/pkg/v3@$pkgv" "github.com/pulumi/pulumi/sdk/v3@$sdkv"
  run_go "$src" go build -trimpath -ldflags "$ldflags_strip -X $modpath/pkg/version.Version=$want" \
    -o "$dir/bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes
  printf '%s\n' "$modpath@$v" >"$dir/bin/MODULE"
  printf '%s\n' "$want" >"$dir/bin/VERSION"
}

build_consul() {
  local dir="$1" v="$2" src="$1/src"
  local gomod; gomod="$(go env GOMODCACHE)"
  if [ ! -f "$src/go.mod" ]; then
    (cd "$src" && go mod init calico-baseline.local/tools/consul >/dev/null 2>&1)
    run_go "$src" go mod download "github.com/hashicorp/consul@$v"
  fi
  local mod="$gomod/github.com/hashicorp/consul@$v"
  # The five sub-modules at the versions consul's own go.mod requires.
  local subs=(api envoyextensions proto-public sdk troubleshoot) s req=()
  for s in "${subs[@]}"; do
    local sv; sv="$(awk -v m="github.com/hashicorp/consul/$s" '$1==m && $2 ~ /^v[0-9]/{print $2; exit}' "$mod/go.mod")"
    [ -n "$sv" ] || { echo "consul $v's go.mod requires no github.com/hashicorp/consul/$s" >&2; exit 1; }
    req+=("github.com/hashicorp/consul/$s@$sv")
  done
  run_go "$src" go mod download "${req[@]}"
  # Licence gate: v1.16.3 is the last MPL-2.0 release; refuse to build anything that is not MPL-2.0.
  local lic
  for lic in "$mod" $(for r in "${req[@]}"; do echo "$gomod/${r%@*}@${r#*@}"; done); do
    grep -Eqi "Mozilla Public License,? version 2\.0" "$lic/LICENSE" || {
      echo "licence check failed: $lic/LICENSE is not MPL-2.0; this project builds only MPL-2.0 Consul" >&2; exit 1; }
    grep -qi "Business Source License" "$lic/LICENSE" && { echo "licence check failed: $lic is BUSL" >&2; exit 1; }
  done
  cat >"$src/tools.go" <<'GO'
//go:build tools

// Generated by calico-baseline's test/e2e/tools/build-tools.sh: pins the Consul agent for the integration tests.
package tools

import _ "github.com/hashicorp/consul"
GO
  (cd "$src" && go mod edit -require "github.com/hashicorp/consul@$v")
  for r in "${req[@]}"; do (cd "$src" && go mod edit -require "$r"); done
  # The checksum database lacks some of consul's dependencies; consul's own go.sum has them.
  cp "$mod/go.sum" "$src/go.sum"; chmod 644 "$src/go.sum"
  GONOSUMDB=github.com/hashicorp/consul/envoyextensions run_go "$src" go mod tidy
  run_go "$src" go mod verify
  run_go "$src" go build -trimpath -ldflags "$ldflags_strip -X github.com/hashicorp/consul/version.GitCommit=release -X github.com/hashicorp/consul/version.Version=${v#v}" \
    -o "$dir/bin/consul" github.com/hashicorp/consul
}

build_netpol() {
  local dir="$1" v="$2" src="$1/src"
  if [ ! -f "$src/go.mod" ]; then
    (cd "$src" && go mod init calico-baseline.local/tools/netpol >/dev/null 2>&1)
  fi
  GONOSUMDB=github.com/np-guard/models run_go "$src" go get -tool "github.com/np-guard/netpol-analyzer/cmd/netpolicy@$v"
  # np-guard/models has no checksum database entry: check its hash against netpol-analyzer's own go.sum.
  local gomod; gomod="$(go env GOMODCACHE)"
  local theirs ours
  theirs="$(grep '^github.com/np-guard/models ' "$gomod/github.com/np-guard/netpol-analyzer@$v/go.sum" | sort)"
  ours="$(grep '^github.com/np-guard/models ' "$src/go.sum" | sort)"
  [ -n "$ours" ] && [ "$theirs" = "$ours" ] || {
    echo "checksum check failed: np-guard/models in the wrapper's go.sum differs from netpol-analyzer $v's go.sum" >&2; exit 1; }
  run_go "$src" go build -trimpath -ldflags "$ldflags_strip" -o "$dir/bin/netpolicy" github.com/np-guard/netpol-analyzer/cmd/netpolicy
}

for t in "${tools[@]}"; do
  case "$t" in
    kube) done_or_build kube "$KUBERNETES_VERSION" build_kube kube-apiserver kube-controller-manager kube-scheduler ;;
    etcd) done_or_build etcd "$ETCD_VERSION" build_etcd etcd ;;
    kwok) done_or_build kwok "$KWOK_VERSION" build_kwok kwok ;;
    pulumi) done_or_build pulumi "$PULUMI_VERSION" build_pulumi pulumi ;;
    provider) done_or_build provider "$PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION" build_provider pulumi-resource-kubernetes ;;
    consul) done_or_build consul "$CONSUL_VERSION" build_consul consul ;;
    netpol) done_or_build netpol "$NETPOL_ANALYZER_VERSION" build_netpol netpolicy ;;
    *) echo "unknown tool: $t" >&2; exit 2 ;;
  esac
done
echo "tools: done in $(( $(date +%s) - start_all )) s (cache $cache)"
