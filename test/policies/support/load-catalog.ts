// Loads a catalog directory through tsx (as the CLI does) and prints the UserError's message, or "ok".
// Usage: node --import tsx load-catalog.ts DIR
import { loadCatalog } from "../../../policies/catalog.js";
import { UserError } from "../../../src/model/problem.js";

try {
  const entries = await loadCatalog(process.argv[2] as string);
  process.stdout.write(`ok ${entries.length}\n`);
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  process.stdout.write(`${e.message}\n`);
  process.exitCode = 1;
}
