// Test helpers: a chart with the four baseline-like tiers, and its synthesised objects.
import { App, Chart } from "cdk8s";
import { Tier, type TierProps } from "../../components/tier.js";

export type Obj = Record<string, unknown>;

export interface Fixture {
  readonly chart: Chart;
  readonly tier: Tier;
  /** Objects of the chart (not the tier), by `metadata.name`. */
  objects(): Obj[];
  byName(name: string): Obj;
}

/** A fresh app with a tier `t` (order 300, Pass) in its own chart and a chart for policies. */
export function fixture(tierProps: Partial<TierProps> = {}): Fixture {
  const app = new App();
  const tierChart = new Chart(app, "tiers", { disableResourceNameHashes: true });
  const tier = new Tier(tierChart, "t", { name: "t", order: 300, defaultAction: "Pass", ...tierProps });
  const chart = new Chart(app, "policies", { disableResourceNameHashes: true });
  const objects = (): Obj[] => chart.toJson() as Obj[];
  return {
    chart,
    tier,
    objects,
    byName(name: string): Obj {
      const found = objects().find((o) => (o["metadata"] as { name?: string } | undefined)?.name === name);
      if (found === undefined) {
        throw new Error(`no object named ${name}; have ${objects().map((o) => (o["metadata"] as { name: string }).name).join(", ")}`);
      }
      return found;
    },
  };
}

/** Runs `fn`, expecting a UserError; returns its message (all problems) for assertions. */
export function userErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error && e.name === "UserError") return e.message;
    throw e;
  }
  throw new Error("expected a UserError, got none");
}
