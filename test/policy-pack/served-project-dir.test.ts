// The pack the CLI serves reads the stack files of CALICO_BASELINE_PROJECT_DIR when set (a project elsewhere,
// as the real-CLI test's temporary one), else of the pack's parent directory.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR, servedProjectDir } from "../../policy-pack/pack.mjs";

describe("the served pack's project directory", () => {
  it("is the pack's parent by default and CALICO_BASELINE_PROJECT_DIR when set", () => {
    expect(PROJECT_DIR).toBe(join(import.meta.dirname, "../.."));
    expect(servedProjectDir({})).toBe(PROJECT_DIR);
    expect(servedProjectDir({ CALICO_BASELINE_PROJECT_DIR: "" })).toBe(PROJECT_DIR);
    expect(servedProjectDir({ CALICO_BASELINE_PROJECT_DIR: "/srv/site-project" })).toBe("/srv/site-project");
  });
});
