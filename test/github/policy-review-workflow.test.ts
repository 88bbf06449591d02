/**
 * .github/workflows/policy-review.yml is a valid GitHub Actions workflow: parsed and converted with
 * GitHub's own workflow parser and its published workflow schema (@actions/workflow-parser, from
 * github.com/actions/languageservices, the schema GitHub's editor validates with), and it does what
 * docs/review.md says. The review step's shell script is run for real in test/cli/review-clone.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from "@actions/workflow-parser";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

const ROOT = join(import.meta.dirname, "../..");
const FILE = ".github/workflows/policy-review.yml";
const content = readFileSync(join(ROOT, FILE), "utf8");

async function schemaErrors(text: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: FILE, content: text }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || parsed.value === undefined) return errors.length > 0 ? errors : ["no workflow"];
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...(template.errors ?? []).map((e) => e.Message)];
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
const wf = parseYaml(content) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: { review: { steps: Step[]; env: Record<string, string> } } };
const steps = wf.jobs.review.steps;
const step = (pred: (s: Step) => boolean): Step => {
  const s = steps.find(pred);
  if (s === undefined) throw new Error("no such step");
  return s;
};

describe("the policy-review workflow", () => {
  it("is valid against GitHub's published workflow schema", async () => {
    expect(await schemaErrors(content)).toEqual([]);
  });

  it("the schema check can fail: misspelt keys and a missing trigger are rejected", async () => {
    expect((await schemaErrors(content.replace("runs-on: ubuntu-latest", "runs-onn: ubuntu-latest"))).join("\n")).toMatch(/Unexpected value 'runs-onn'|Required property is missing: runs-on/);
    expect((await schemaErrors(content.replace(/^on:$/m, "onn:"))).join("\n")).toMatch(/Unexpected value 'onn'/);
    expect((await schemaErrors(content.replace("uses: actions/upload-artifact@v4", "uses: actions/upload-artifact@v4\n        shell: bash\n        bogus: 1"))).length).toBeGreaterThan(0);
  });

  it("runs on pull requests with the permissions the comment and code scanning need", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read", "pull-requests": "write", "security-events": "write" });
  });

  it("installs with npm ci and reviews every stack against origin/<base> into the artifact directory", () => {
    expect(step((s) => s.run?.includes("npm ci") === true).run).toContain("npm ci");
    const review = step((s) => s.id === "review").run!;
    expect(review).toContain("ls Pulumi.*.yaml");
    expect(review).toMatch(/node bin\/calico-baseline\.mjs diff --base "origin\/\$\{BASE_REF\}" --stack "\$stack"/);
    expect(review).toContain('--out-dir "review/$stack"');
    expect(review).toContain("--md-max-chars");
    // The base ref reaches the shell through the environment, never spliced into the script.
    expect(review).not.toContain("${{");
    expect(wf.jobs.review.env["BASE_REF"]).toBe("${{ github.base_ref }}");
    // Exit 3 (lockout, unsafe promotion) and any other failure are recorded, and fail the check at the end.
    expect(review).toMatch(/3\) failed="\$failed \$stack\(lockout or unsafe to promote\)"/);
    const last = steps[steps.length - 1]!;
    expect(last.if).toBe("${{ steps.review.outputs.failed != '' }}");
    expect(last.run).toContain("exit 1");
  });

  it("runs pulumi preview --diff with the policy pack only when Pulumi credentials are present", () => {
    const preview = step((s) => s.uses?.startsWith("pulumi/actions@") === true);
    expect(preview.if).toBe("${{ env.PULUMI_ACCESS_TOKEN != '' }}");
    expect(preview.with).toMatchObject({ command: "preview", diff: true, policyPacks: "policy-pack" });
    expect(wf.jobs.review.env["PULUMI_ACCESS_TOKEN"]).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
  });

  it("keeps one sticky comment: found by its marker and updated in place", () => {
    const post = step((s) => s.uses?.startsWith("actions/github-script@") === true);
    const script = String(post.with!["script"]);
    expect(script).toContain('const marker = "<!-- calico-baseline-policy-review -->"');
    expect(script).toContain("github.rest.issues.updateComment");
    expect(script.indexOf("updateComment")).toBeLessThan(script.indexOf("createComment"));
    expect(step((s) => s.id === "review").run).toContain('echo "<!-- calico-baseline-policy-review -->"');
    expect(step((s) => s.name === "Keep the comment under GitHub's limit").run).toContain('head -c "$COMMENT_BUDGET"');
    expect(Number(wf.jobs.review.env["COMMENT_BUDGET"])).toBeLessThan(65_536);
  });

  it("uploads the reports (SVG, JSON, ...) as an artifact and the SARIF to code scanning, also when the review fails", () => {
    const upload = step((s) => s.uses?.startsWith("actions/upload-artifact@") === true);
    expect(upload.if).toBe("always()");
    expect(upload.with).toMatchObject({ name: "policy-review", path: "review/" });
    const sarif = step((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@") === true);
    expect(sarif.if).toContain("always()");
    expect(sarif.with).toMatchObject({ sarif_file: "review" });
  });
});
