/**
 * SARIF 2.1.0 output (`--format sarif`), so that GitHub code scanning shows lockout invariants and
 * validation problems inline on the pull request's files. One run, tool `calico-baseline`, one rule per
 * kind of finding (one per lockout invariant), results sorted by file, line and rule so the same input
 * gives the same bytes. Locations are repository-relative paths (`%SRCROOT%`), 1-based lines.
 *
 * Format: OASIS SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html); GitHub's
 * subset: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */

export type FindingLevel = "error" | "warning" | "note";

export interface FindingLocation {
  /** Path relative to the repository root, `/`-separated. */
  readonly file: string;
  readonly line: number;
  /** What is there (e.g. "the policy that denies the flow"). */
  readonly message?: string;
}

export interface Finding {
  /** `lockout/dns-udp`, `validation`, `not-analysed`, `upgrade`. */
  readonly ruleId: string;
  readonly level: FindingLevel;
  readonly message: string;
  readonly location?: FindingLocation;
  readonly related?: readonly FindingLocation[];
  /** The object the finding is about (`Kind/namespace/name`), as a logical location. */
  readonly object?: string;
}

export interface FindingRule {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly help: string;
  readonly level: FindingLevel;
}

export interface SarifOptions {
  readonly toolVersion: string;
  readonly rules: readonly FindingRule[];
  /**
   * The run's `automationDetails.id` (`calico-baseline/diff/dev/`): code scanning keeps one analysis per
   * category, so each stack's log keeps its own results.
   */
  readonly category?: string;
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

function physical(l: FindingLocation, id?: number): Record<string, unknown> {
  return {
    ...(id === undefined ? {} : { id }),
    physicalLocation: { artifactLocation: { uri: l.file, uriBaseId: "%SRCROOT%" }, region: { startLine: Math.max(1, Math.floor(l.line)) } },
    ...(l.message === undefined ? {} : { message: { text: l.message } }),
  };
}

export function renderSarif(findings: readonly Finding[], opts: SarifOptions): string {
  const ruleIds = [...new Set([...opts.rules.map((r) => r.id), ...findings.map((f) => f.ruleId)])].sort();
  const known = new Map(opts.rules.map((r) => [r.id, r] as const));
  const rules = ruleIds.map((id) => {
    const r = known.get(id) ?? { id, name: id, description: id, help: id, level: "warning" as FindingLevel };
    return {
      id: r.id,
      name: r.name.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase()).replace(/^./, (c) => c.toUpperCase()),
      shortDescription: { text: r.description },
      fullDescription: { text: r.description },
      help: { text: r.help },
      defaultConfiguration: { level: r.level },
    };
  });
  const sorted = [...findings].sort(
    (a, b) => cmp(a.location?.file ?? "", b.location?.file ?? "") || cmp(a.location?.line ?? 0, b.location?.line ?? 0) || cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message),
  );
  const results = sorted.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: ruleIds.indexOf(f.ruleId),
    level: f.level,
    message: { text: f.message },
    ...(f.location === undefined
      ? {}
      : {
          locations: [
            {
              ...physical(f.location),
              ...(f.object === undefined ? {} : { logicalLocations: [{ fullyQualifiedName: f.object, kind: "object" }] }),
            },
          ],
        }),
    ...(f.related === undefined || f.related.length === 0 ? {} : { relatedLocations: f.related.map((l, i) => physical(l, i)) }),
  }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "calico-baseline", semanticVersion: opts.toolVersion, version: opts.toolVersion, rules } },
        ...(opts.category === undefined ? {} : { automationDetails: { id: opts.category } }),
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "the repository root" } } },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
