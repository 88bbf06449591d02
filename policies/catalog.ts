/**
 * The baseline catalog: every `policies/<tier>/<name>.ts` file, found on disk so that adding a policy is
 * one file plus its `<name>.cases.yaml` (no list to edit). Files are read in sorted order, so the catalog
 * (and everything synthesised from it) is deterministic.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BASELINE_TIERS } from "../src/config/types.js";
import { readInputFile } from "../src/io/files.js";
import { parseCases, type CasesFile } from "../src/model/cases.js";
import { UserError, type Problem } from "../src/model/problem.js";
import type { BaselinePolicy } from "./types.js";

/** A catalog entry: the policy and the file it came from (relative to the repository root). */
export interface CatalogEntry {
  readonly policy: BaselinePolicy;
  /** e.g. `policies/platform/allow-dns.ts` */
  readonly file: string;
  /** e.g. `policies/platform/allow-dns.cases.yaml` */
  readonly casesFile: string;
}

export const POLICIES_DIR = dirname(fileURLToPath(import.meta.url));

/** Source files of a tier folder that define policies: `.ts` (or built `.js`), not tests or declarations. */
export function policyFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.(d|test)\.(ts|js)$/.test(f))
    .sort();
}

function isPolicy(v: unknown): v is BaselinePolicy {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as { tier?: unknown }).tier === "string" &&
    typeof (v as { name?: unknown }).name === "string" &&
    typeof (v as { build?: unknown }).build === "function"
  );
}

/**
 * The problem for a policy file that cannot be imported: a TypeScript syntax error gets its line, column and
 * text (from esbuild through tsx, "file:line:col: ERROR: text" with a 0-based column, or from oxc through
 * vite, "[PARSE_ERROR] text ... [ file:line:col ]"); any other error (a missing import, a throw at load
 * time) its first line. Never the transformer's stack trace or colour codes.
 */
export function loadProblem(e: unknown, file: string): Problem {
  // eslint-disable-next-line no-control-regex
  const message = (e instanceof Error ? e.message : String(e)).replace(/\u001b\[[0-9;]*m/g, "");
  let where: { line: number; column: number } | undefined;
  let text: string | undefined;
  const esbuild = /:(\d+):(\d+): ERROR: (.*)$/m.exec(message);
  const oxc = /\[PARSE_ERROR\]\s*(.*)/.exec(message);
  if (esbuild !== null) {
    where = { line: Number(esbuild[1]), column: Number(esbuild[2]) + 1 };
    text = esbuild[3];
  } else if (oxc !== null) {
    const at = /\[\s*\S*?:(\d+):(\d+)\s*\]/.exec(message);
    if (at !== null) where = { line: Number(at[1]), column: Number(at[2]) };
    text = oxc[1];
  }
  const syntax = text !== undefined || e instanceof SyntaxError || /^Transform failed/.test(message);
  text ??= message.split("\n").find((l) => l.trim() !== "" && !/^Transform failed/.test(l))?.trim() ?? message;
  return {
    file: where === undefined ? file : `${file}:${where.line}:${where.column}`,
    path: "",
    message: syntax ? `is not valid TypeScript: ${text.trim()}` : `cannot be loaded: ${text}`,
    hint: syntax
      ? "fix the syntax at that line (npm run typecheck lists every error with its context)"
      : "fix the error the policy file raises when it is imported (npm run typecheck; check its imports)",
  };
}

/**
 * Loads the policy files under `dir/<tier>/` (the baseline's own folder by default). Every bad file is
 * reported, all in one UserError.
 */
export async function loadCatalog(dir: string): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  const problems: Problem[] = [];
  for (const tier of BASELINE_TIERS) {
    const tierDir = join(dir, tier);
    if (!existsSync(tierDir)) continue;
    for (const f of policyFilesIn(tierDir)) {
      const base = f.replace(/\.(ts|js)$/, "");
      const file = `policies/${tier}/${f}`;
      let mod: { default?: unknown };
      try {
        mod = (await import(pathToFileURL(join(tierDir, f)).href)) as { default?: unknown };
      } catch (e) {
        problems.push(loadProblem(e, file));
        continue;
      }
      if (!isPolicy(mod.default)) {
        problems.push({
          file,
          path: "default",
          message: "the file's default export is not a policy",
          hint: "end the file with `export default definePolicy({ tier, name, build })`",
        });
        continue;
      }
      // The folder and file name are the policy's identity (its cases file is found by them).
      if (mod.default.tier !== tier) {
        problems.push({ file, path: "tier", value: mod.default.tier, message: `policy is filed under ${tier}/ but names another tier`, hint: `set tier: "${tier}" or move the file` });
      }
      if (mod.default.name !== base) {
        problems.push({ file, path: "name", value: mod.default.name, message: "policy name differs from its file name", hint: `set name: "${base}" or rename the file` });
      }
      entries.push({ policy: mod.default, file, casesFile: `policies/${tier}/${base}.cases.yaml` });
    }
  }
  if (problems.length > 0) throw new UserError(problems, "the policy catalog has problems");
  return entries;
}

/**
 * Reads and parses an entry's cases file (relative to `root`, the repository root by default). A missing
 * file is a UserError naming it, with what to write there (every policy ships with its cases).
 */
export function loadCases(entry: CatalogEntry, root: string = join(POLICIES_DIR, "..")): CasesFile {
  const text = readInputFile(join(root, entry.casesFile), entry.casesFile, {
    what: "cases file",
    missingHint: `every policy needs one: create ${entry.casesFile} with a \`cases:\` list of flows ${entry.file} must allow or deny (README "Add a policy: one file plus one cases file")`,
  });
  return parseCases(text, entry.casesFile);
}

/** Every baseline policy, tier by tier in evaluation order, files sorted by name. */
export const CATALOG: readonly CatalogEntry[] = await loadCatalog(POLICIES_DIR);
