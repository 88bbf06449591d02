/**
 * The image-mirror script: `skopeo copy --all --preserve-digests` of every planned image from its public
 * source into the private registry, then a digest check of each copy. The Pulumi ImageMirror runs exactly
 * this script; the integration test runs it against real registries.
 *
 * Inputs come from the environment (the password never appears on a command line):
 *   MIRROR_IMAGES            lines "source target" (from `mirrorList`)
 *   MIRROR_REGISTRY          host:port of the private registry
 *   MIRROR_USERNAME, MIRROR_PASSWORD
 *   MIRROR_CA_PEM            optional PEM CA of the private registry
 *   MIRROR_SOURCE_TLS_VERIFY optional, "false" only for plain-HTTP test sources
 */

export const MIRROR_SCRIPT = `set -euo pipefail
fail() { echo "image mirror: $*" >&2; exit 1; }
command -v skopeo >/dev/null || fail "skopeo is not installed on this machine; install it (apt-get install skopeo, brew install skopeo)"
: "\${MIRROR_REGISTRY:?MIRROR_REGISTRY is not set}" "\${MIRROR_USERNAME:?MIRROR_USERNAME is not set}"
: "\${MIRROR_PASSWORD:?MIRROR_PASSWORD is not set}" "\${MIRROR_IMAGES:?MIRROR_IMAGES is not set}"
src_tls="\${MIRROR_SOURCE_TLS_VERIFY:-true}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"
mkdir "$work/certs"
if [ -n "\${MIRROR_CA_PEM:-}" ]; then printf '%s\\n' "$MIRROR_CA_PEM" > "$work/certs/ca.crt"; fi
auth="$work/auth.json"

# Turns skopeo's error text into the likely cause.
explain() {
  case "$1" in
    *unauthorized*|*"invalid username/password"*|*"authentication required"*)
      echo "registry $MIRROR_REGISTRY rejected the credentials of user $MIRROR_USERNAME (check registry.username and the registry.password secret)" ;;
    *"connection refused"*|*"no such host"*|*"i/o timeout"*|*"no route to host"*|*"network is unreachable"*)
      echo "registry unreachable (is it running, and reachable from this machine?)" ;;
    *x509*|*certificate*)
      echo "the registry's TLS certificate is not trusted (check the registry CA)" ;;
    *) echo "skopeo failed" ;;
  esac
}

# Log in once up front: wrong credentials or an unreachable registry fail here with a clear cause.
if ! out=$(printf '%s' "$MIRROR_PASSWORD" | skopeo login --authfile "$auth" --cert-dir "$work/certs" --username "$MIRROR_USERNAME" --password-stdin "$MIRROR_REGISTRY" 2>&1); then
  fail "cannot log in to $MIRROR_REGISTRY: $(explain "$out"). skopeo said: $out"
fi

count=0
while read -r src dst; do
  [ -n "$src" ] || continue
  # --all keeps the whole multi-arch index; --preserve-digests refuses any conversion that would change a digest.
  if ! out=$(skopeo copy --all --preserve-digests --retry-times 3 --authfile "$auth" --dest-cert-dir "$work/certs" --src-tls-verify="$src_tls" "docker://$src" "docker://$dst" 2>&1); then
    fail "copying $src to $dst failed: $(explain "$out"). skopeo said: $out"
  fi
  # The manifest bytes are hashed straight from the pipe (a command substitution would strip a trailing
  # newline and change the digest); a failed read stops with a message instead of a bare set -e exit.
  sd=$(skopeo inspect --raw --tls-verify="$src_tls" "docker://$src" | sha256sum | cut -d' ' -f1) || fail "cannot read the manifest of $src"
  dd=$(skopeo inspect --raw --authfile "$auth" --cert-dir "$work/certs" "docker://$dst" | sha256sum | cut -d' ' -f1) || fail "cannot read the manifest of $dst after copying it"
  [ "$sd" = "$dd" ] || fail "$dst has digest sha256:$dd but its source $src has sha256:$sd"
  echo "$src -> $dst@sha256:$dd"
  count=$((count + 1))
done <<< "$MIRROR_IMAGES"
echo "mirrored $count images into $MIRROR_REGISTRY"
`;

/**
 * The command the mirror resource runs: it reads the script from stdin, then runs it. The script goes on
 * stdin, not into the command, because the command provider prints the command of a failed run (twice) and
 * the ~3 KB script would bury the cause (issue 9). Reading it whole first keeps the script's own commands
 * from consuming it as their input (with `bash -s` they would share the script's stdin).
 */
export const MIRROR_COMMAND = 'script=$(cat) && exec /bin/bash -c "$script" calico-baseline-image-mirror';

export interface MirrorEnv {
  readonly images: string;
  readonly registry: string;
  readonly username: string;
  readonly password: string;
  readonly caPem?: string;
  readonly sourceTlsVerify?: boolean;
}

/** The environment the script reads. */
export function mirrorEnvironment(e: MirrorEnv): Record<string, string> {
  const env: Record<string, string> = {
    MIRROR_IMAGES: e.images,
    MIRROR_REGISTRY: e.registry,
    MIRROR_USERNAME: e.username,
    MIRROR_PASSWORD: e.password,
  };
  if (e.caPem !== undefined) env["MIRROR_CA_PEM"] = e.caPem;
  if (e.sourceTlsVerify === false) env["MIRROR_SOURCE_TLS_VERIFY"] = "false";
  return env;
}
