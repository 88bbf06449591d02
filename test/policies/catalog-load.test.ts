// A policy file that does not compile or cannot be imported is a catalog problem with its file, line and a
// hint (issue 11, defect 7), not esbuild's raw "Transform failed" trace; both through vite (this test) and
// through tsx (the CLI's loader, in a child process).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type CatalogEntry, loadCases, loadCatalog } from "../../policies/catalog.js";
import { userErrorOf } from "../components/helpers.js";

const TYPES = pathToFileURL(fileURLToPath(new URL("../../policies/types.ts", import.meta.url))).href;
const LOADER = fileURLToPath(new URL("./support/load-catalog.ts", import.meta.url));
const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function catalogDir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "cb-catalog-"));
  temps.push(d);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(d, path, ".."), { recursive: true });
    writeFileSync(join(d, path), text);
  }
  return d;
}

const BROKEN = `import { definePolicy } from "${TYPES}";
export default definePolicy({
  tier: "platform",
  name: "broken",
  build(scope { tier }) {},
});
`;
const THROWS = `import { definePolicy } from "${TYPES}";
import { nothing } from "./no-such-module.js";
export default definePolicy({ tier: "platform", name: "throws", build() { void nothing; } });
`;

describe("loading the policy catalog", () => {
  it("reports a TypeScript syntax error with file:line:column and a hint (vite)", async () => {
    const dir = catalogDir({ "platform/broken.ts": BROKEN });
    const msg = await loadCatalog(dir).then(
      () => "loaded",
      (e: unknown) => userErrorOf(() => {
        throw e;
      }),
    );
    expect(msg).toMatch(/^the policy catalog has problems\n {2}- policies\/platform\/broken\.ts:5:15: is not valid TypeScript: .+\. Hint: fix the syntax at that line/);
    expect(msg).not.toMatch(/Transform failed|\n\s+at /);
  });
  it("reports a TypeScript syntax error with file:line:column and a hint through tsx, as the CLI loads policies", () => {
    const dir = catalogDir({ "platform/broken.ts": BROKEN });
    let out = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", LOADER, dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      out = (e as { stdout: string }).stdout;
    }
    expect(out).toBe('the policy catalog has problems\n  - policies/platform/broken.ts:5:15: is not valid TypeScript: Expected ")" but found "{". Hint: fix the syntax at that line (npm run typecheck lists every error with its context)\n');
  });
  it("reports a policy file that fails when imported, next to the good ones", async () => {
    const good = `import { definePolicy } from "${TYPES}";\nexport default definePolicy({ tier: "platform", name: "good", build() {} });\n`;
    const dir = catalogDir({ "platform/throws.ts": THROWS, "platform/good.ts": good, "platform/broken.ts": BROKEN });
    const msg = await loadCatalog(dir).then(
      () => "loaded",
      (e: unknown) => userErrorOf(() => {
        throw e;
      }),
    );
    expect(msg).toContain("policies/platform/throws.ts: cannot be loaded:");
    expect(msg).toContain("Hint: fix the error the policy file raises when it is imported");
    expect(msg).toMatch(/policies\/platform\/broken\.ts:5:\d+: is not valid TypeScript/);
  });
  it("a missing cases file names the file and says what to write there", () => {
    const dir = catalogDir({});
    const entry = { policy: { tier: "platform", name: "orphan", build: () => undefined }, file: "policies/platform/orphan.ts", casesFile: "policies/platform/orphan.cases.yaml" } as unknown as CatalogEntry;
    expect(userErrorOf(() => loadCases(entry, dir))).toBe(
      "1 problem found\n  - policies/platform/orphan.cases.yaml: cannot read the cases file: no such file or directory (ENOENT). Hint: every policy needs one: create policies/platform/orphan.cases.yaml with a `cases:` list of flows policies/platform/orphan.ts must allow or deny (README \"Add a policy: one file plus one cases file\")",
    );
  });
});
