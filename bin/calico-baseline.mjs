#!/usr/bin/env node
// The `calico-baseline` command: runs the compiled CLI in lib/cli/ (plain JavaScript, no TypeScript
// compiler at run time). `npm ci` builds it (the `prepare` script, `npm run build:cli`); after changing
// the sources, rebuild it or run them directly with `npm run dev -- <command>`. Only a checkout that was
// never built (no lib/cli, e.g. a copy of the tracked files) runs the sources through tsx instead.
import { existsSync } from "node:fs";

const entry = new URL("../lib/cli/main.mjs", import.meta.url);
const sources = new URL("../src/cli/main.ts", import.meta.url);
let main;
if (existsSync(entry)) ({ main } = await import(entry.href));
else if (existsSync(sources)) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(sources.href));
} else {
  process.stderr.write("calico-baseline: the compiled CLI (lib/cli/main.mjs) is missing: run `npm run build:cli`\n");
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
