/**
 * Test helpers for users: assert that a flow is allowed or denied by a set of manifests.
 *
 * ```ts
 * expectFlow({ objects, inventory }).from("shop/web").to("shop/db").port(5432, "TCP").toBeAllowed();
 * ```
 *
 * Framework-agnostic: a failed expectation throws `FlowExpectationError` whose message holds the
 * explain trail (tier → policy → rule for both directions), so any test runner shows why.
 */
import { type AnalysisInput, analyse } from "./analyse.js";
import { type FlowResult, explain } from "./evaluate.js";
import type { Model } from "./model.js";
import { formatExplain } from "./formatters/text.js";
import type { SourcedObject } from "./policies.js";
import { UserError } from "../model/problem.js";

export class FlowExpectationError extends Error {
  constructor(
    message: string,
    readonly results: readonly FlowResult[],
  ) {
    super(message);
    this.name = "FlowExpectationError";
  }
}

function isModel(x: unknown): x is Model {
  return typeof x === "object" && x !== null && "applicable" in x && "endpoints" in x;
}

export interface ExpectFlowOptions {
  /** Evaluate the staged ("would be") view instead of what is enforced. */
  readonly view?: "enforced" | "staged";
  /**
   * Evaluate although some objects are ones Calico would reject (left out of the analysis). Off by default: a
   * test must not pass on a policy that would never apply, so expectFlow throws a UserError listing them.
   */
  readonly allowRejected?: boolean;
}

/** Refuses a model that left out objects Calico would reject (unless `allowRejected`). */
function assertNothingRejected(model: Model, opts: ExpectFlowOptions): Model {
  if (opts.allowRejected === true || model.rejected.length === 0) return model;
  throw new UserError(
    model.rejected.map((p) => ({ ...p, hint: `${p.hint} (expectFlow refuses objects Calico would reject; pass { allowRejected: true } to evaluate without them)` })),
    `expectFlow: ${model.rejected.length} object problem(s) Calico would reject; the flow would be evaluated without those objects`,
  );
}

export class FlowExpectation {
  private src: string | undefined;
  private dst: string | undefined;
  private proto: string | number = "TCP";
  private dport: number | undefined;

  constructor(private readonly model: Model) {}

  from(ref: string): this {
    this.src = ref;
    return this;
  }

  to(ref: string): this {
    this.dst = ref;
    return this;
  }

  /** Destination port and protocol (default TCP). */
  port(port: number, protocol: string | number = "TCP"): this {
    this.dport = port;
    this.proto = protocol;
    return this;
  }

  /** A protocol without ports (ICMP, or a number). */
  protocol(protocol: string | number): this {
    this.proto = protocol;
    return this;
  }

  /** Evaluates without asserting. */
  evaluate(): FlowResult[] {
    if (this.src === undefined || this.dst === undefined) throw new Error("expectFlow: call .from(...) and .to(...) first");
    return explain(this.model, { from: this.src, to: this.dst, protocol: this.proto, ...(this.dport === undefined ? {} : { port: this.dport }) });
  }

  toBeAllowed(): FlowResult[] {
    return this.assert(true);
  }

  toBeDenied(): FlowResult[] {
    return this.assert(false);
  }

  private assert(allowed: boolean): FlowResult[] {
    const results = this.evaluate();
    const ok = allowed ? results.every((r) => r.allowed) : results.some((r) => !r.allowed);
    if (!ok) {
      const what = `${this.src} -> ${this.dst} ${String(this.proto)}${this.dport === undefined ? "" : ` ${this.dport}`}`;
      throw new FlowExpectationError(`expected ${what} to be ${allowed ? "allowed" : "denied"}, but it is ${allowed ? "denied" : "allowed"}\n${results.map(formatExplain).join("\n")}`, results);
    }
    return results;
  }
}

/** Starts a flow expectation over a model, an analysis input, or plain manifest objects. */
export function expectFlow(manifests: Model | AnalysisInput | readonly unknown[], opts: ExpectFlowOptions = {}): FlowExpectation {
  if (isModel(manifests)) return new FlowExpectation(assertNothingRejected(manifests, opts));
  const input: AnalysisInput = Array.isArray(manifests) ? { objects: (manifests as unknown[]).map((object): SourcedObject => ({ object })) } : (manifests as AnalysisInput);
  return new FlowExpectation(assertNothingRejected(analyse(input, opts.view ?? "enforced"), opts));
}
