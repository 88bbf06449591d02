import type { Problem } from "../problem.js";

/**
 * A selector that Calico would reject (or a builder call that could only produce one).
 *
 * `position` is the 0-based offset (in UTF-16 code units, i.e. a JavaScript string index) into
 * `selector` where the problem was found; for "ran out of input" problems it is `selector.length`.
 * `reason` says what is wrong, `hint` how to fix it. `message` combines all of them on one line.
 * When the builder (`sel.*`) rejects an argument, `selector` is that label key or value and
 * `position` the offset of the offending character in it.
 */
export class SelectorError extends Error {
  readonly selector: string;
  readonly position: number;
  readonly reason: string;
  readonly hint: string;

  constructor(selector: string, position: number, reason: string, hint: string) {
    super(`invalid selector ${JSON.stringify(selector)} at position ${position}: ${reason}. Hint: ${hint}`);
    this.name = "SelectorError";
    this.selector = selector;
    this.position = position;
    this.reason = reason;
    this.hint = hint;
  }

  /**
   * The same mistake as a `Problem` for validation reports, e.g.
   * `err.toProblem("spec.ingress[0].source.selector")`.
   */
  toProblem(path: string): Problem {
    return {
      path,
      value: this.selector,
      message: `invalid selector: ${this.reason} (at position ${this.position})`,
      hint: this.hint,
    };
  }
}
