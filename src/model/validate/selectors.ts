/**
 * Selector fields: every selector must parse (Calico `selector.Validate`), and `global()` may only
 * appear where Calico allows it (validator.go validateEntityRule / validate*PolicySpec).
 */
import { parseSelector, SelectorError } from "../selector/index.js";
import { type Reporter } from "./context.js";

/** Reports a SelectorError with its position and hint; returns true when the selector parses. */
export function checkSelector(text: string | undefined, path: string, r: Reporter): boolean {
  if (text === undefined) return true;
  try {
    parseSelector(text);
    return true;
  } catch (e) {
    if (e instanceof SelectorError) {
      r.addAll([e.toProblem(path)]);
      return false;
    }
    throw e;
  }
}

/**
 * Calico rejects `global()` anywhere in a policy's own selector, serviceAccountSelector or (GNP)
 * namespaceSelector, and in a rule's `selector`: it is only meaningful in a rule's namespaceSelector,
 * where it selects non-namespaced (global) resources such as GlobalNetworkSets and HostEndpoints.
 * Calico tests the raw text for the substring "global()", so we do too.
 */
export function checkNoGlobal(text: string | undefined, path: string, r: Reporter): void {
  if (text === undefined || !text.includes("global()")) return;
  r.add(
    path,
    text,
    "global() can only be used in an EntityRule namespaceSelector",
    "to match global network sets or host endpoints, put namespaceSelector: global() in the rule's source or destination",
  );
}

/** A rule's namespaceSelector that mentions global( must be exactly global() (Calico 3.31+ tokenizes; we check the text). */
export function checkGlobalAlone(text: string | undefined, path: string, r: Reporter): void {
  if (text === undefined || !text.includes("global(")) return;
  if (/^\s*global\(\s*\)\s*$/.test(text)) return;
  r.add(
    path,
    text,
    "global() cannot be combined with other selectors",
    "use namespaceSelector: global() alone, and narrow the match with the rule's selector (e.g. selector: role == \"registry\")",
  );
}
