/**
 * The controller-image script: builds the networkset-sync controller's image from this repository with the
 * daemonless builder (scripts/build-controller-image.mjs: an OCI image layout of the local node runtime and the
 * CLI bundle) and pushes it into the private registry with `skopeo copy oci:… docker://…`, then checks that the
 * registry serves the manifest digest the build wrote. The Pulumi ControllerImage runs exactly this script, in the
 * repository's root, on the machine running Pulumi; the integration test runs it against a real registry.
 *
 * The controller is not mirrored from upstream: no public image of it exists, so the program that deploys it
 * builds it (`registry.mirror: true`), or, with `registry.mirror: false`, the site's pipeline runs the builder and
 * the push (docs/networkset-sync.md, "Image") and the program checks the image is there.
 *
 * Inputs come from the environment (the password never appears on a command line):
 *   IMAGE_TARGET    host:port/repository:tag in the private registry
 *   IMAGE_TAG       the tag (the layout's ref name)
 *   IMAGE_REGISTRY  host:port of the private registry
 *   IMAGE_USERNAME, IMAGE_PASSWORD
 *   IMAGE_CA_PEM    optional PEM CA of the private registry
 */

export const CONTROLLER_IMAGE_SCRIPT = `set -euo pipefail
fail() { echo "controller image: $*" >&2; exit 1; }
command -v skopeo >/dev/null || fail "skopeo is not installed on this machine; install it (apt-get install skopeo)"
command -v node >/dev/null || fail "node is not on PATH (the image ships this machine's node binary)"
: "\${IMAGE_TARGET:?IMAGE_TARGET is not set}" "\${IMAGE_TAG:?IMAGE_TAG is not set}" "\${IMAGE_REGISTRY:?IMAGE_REGISTRY is not set}"
: "\${IMAGE_USERNAME:?IMAGE_USERNAME is not set}" "\${IMAGE_PASSWORD:?IMAGE_PASSWORD is not set}"
[ -f scripts/build-controller-image.mjs ] || fail "run from the calico-baseline repository's root (scripts/build-controller-image.mjs is missing in $PWD)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"
mkdir "$work/certs"
if [ -n "\${IMAGE_CA_PEM:-}" ]; then printf '%s\\n' "$IMAGE_CA_PEM" > "$work/certs/ca.crt"; fi
auth="$work/auth.json"

if ! built=$(node scripts/build-controller-image.mjs --out "$work/oci" --tag "$IMAGE_TAG" 2>"$work/build.err"); then
  fail "building the image failed: $(cat "$work/build.err")"
fi
digest=$(printf '%s' "$built" | node -e 'let s="";process.stdin.on("data",(c)=>s+=c).on("end",()=>process.stdout.write(JSON.parse(s).digest))') || fail "the builder printed no digest: $built"

if ! out=$(printf '%s' "$IMAGE_PASSWORD" | skopeo login --authfile "$auth" --cert-dir "$work/certs" --username "$IMAGE_USERNAME" --password-stdin "$IMAGE_REGISTRY" 2>&1); then
  fail "cannot log in to $IMAGE_REGISTRY as $IMAGE_USERNAME (check registry.username and the registry.password secret, and that the registry is reachable). skopeo said: $out"
fi
# --preserve-digests: the registry gets the layout's manifest byte for byte, so its digest is the build's.
if ! out=$(skopeo copy --preserve-digests --retry-times 3 --authfile "$auth" --dest-cert-dir "$work/certs" "oci:$work/oci:$IMAGE_TAG" "docker://$IMAGE_TARGET" 2>&1); then
  fail "pushing to $IMAGE_TARGET failed. skopeo said: $out"
fi
pushed=$(skopeo inspect --raw --authfile "$auth" --cert-dir "$work/certs" "docker://$IMAGE_TARGET" | sha256sum | cut -d' ' -f1) || fail "cannot read the manifest of $IMAGE_TARGET after pushing it"
[ "sha256:$pushed" = "$digest" ] || fail "$IMAGE_TARGET has digest sha256:$pushed but the build wrote $digest"
echo "built and pushed $IMAGE_TARGET@$digest"
`;

/** As the mirror does (planners/mirror.ts): the script on stdin, read whole, then run. */
export const CONTROLLER_IMAGE_COMMAND = 'script=$(cat) && exec /bin/bash -c "$script" calico-baseline-controller-image';

export interface ControllerImageEnv {
  readonly target: string;
  readonly tag: string;
  readonly registry: string;
  readonly username: string;
  readonly password: string;
  readonly caPem?: string;
}

/** The environment the script reads. */
export function controllerImageEnvironment(e: ControllerImageEnv): Record<string, string> {
  return {
    IMAGE_TARGET: e.target,
    IMAGE_TAG: e.tag,
    IMAGE_REGISTRY: e.registry,
    IMAGE_USERNAME: e.username,
    IMAGE_PASSWORD: e.password,
    ...(e.caPem !== undefined ? { IMAGE_CA_PEM: e.caPem } : {}),
  };
}
