/**
 * Named resource limits: how much hostile or accidental input the product reads before it stops with a
 * clear `UserError` (file, path, the limit and a hint) instead of exhausting memory, the stack or the CPU.
 * Every limit is documented in README.md ("Limits"); change them here only, with that section.
 *
 * Each limit sits well above what a real cluster or baseline needs (the figures next to them), so a
 * legitimate input never meets one.
 */

/**
 * YAML alias nodes (`*anchor`) one document may resolve. Bounds billion-laughs expansion: each alias may
 * repeat a whole subtree, so the expanded size grows exponentially with nested aliases. The yaml library's
 * own default; Kubernetes manifests and kubectl dumps use no aliases at all.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * YAML/JSON documents (`---` separated) one file may hold. A kubectl dump is one document (a `List`);
 * the baseline's largest rendered file holds fewer than 100 objects, `helm template` of a large chart a few
 * hundred. (The yaml library composes about 10,000 small documents a second.)
 */
export const MAX_DOCUMENTS_PER_FILE = 10_000;

/**
 * Nesting depth of maps and lists in one YAML/JSON document. Kubernetes objects nest fewer than 20 levels;
 * deeper input would overflow the stack of the recursive parts of parsing and validation.
 */
export const MAX_NESTING_DEPTH = 200;

/**
 * Bytes of one manifest, inventory, dump, cases or stack-config file read whole. A kubectl dump of every
 * pod of a 20,000-pod cluster is about 200 MB as JSON. (Flow files are streamed line by line and have no
 * size limit; each of their lines has MAX_FLOW_LINE_BYTES.)
 */
export const MAX_INPUT_FILE_BYTES = 256 * 1024 * 1024;

/** Files one `--manifests` (or `--before`/`--after`) walk reads, over all its directories. */
export const MAX_MANIFEST_FILES = 100_000;

/** Directory depth of one manifest walk below the path given (symbolic-link loops end much earlier: see loadManifests). */
export const MAX_DIRECTORY_DEPTH = 64;

/**
 * Problems one error keeps in memory (with file, path, value and hint); beyond it only their number is
 * counted. Keeps memory flat on a file with millions of bad lines.
 */
export const MAX_PROBLEMS_KEPT = 1000;

/** Problems one error prints; the rest are summed up as "... and N more problems". */
export const MAX_PROBLEMS_PRINTED = 100;

/** Characters of a bad value quoted in a problem (`(value: ...)`); longer values are cut with "…". */
export const MAX_VALUE_CHARS_PRINTED = 200;

/** Seconds a synth waits for another synth of the same output directory to finish before it gives up. */
export const SYNTH_LOCK_WAIT_SECONDS = 60;

/** Characters of one flow-file line (a Whisker list response may carry many flows on one line). */
export const MAX_FLOW_LINE_CHARS = 64 * 1024 * 1024;
