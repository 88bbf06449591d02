/**
 * Builds the compiled `calico-baseline` CLI into lib/cli/ (esbuild: one ESM bundle with a chunk per
 * command, so a command loads only what it needs; cdk8s, constructs and Pulumi stay in node_modules and
 * are imported only by the commands that synthesise). `npm ci` runs this as `prepare`; bin/ runs it.
 *
 * The baseline catalog finds its policy files on disk at run time (policies/catalog.ts); in the bundle the
 * policy files that exist at build time are bundled and the catalog takes them from there, while still
 * listing the folder (a policy file added after the build is reported: rebuild).
 *
 * `buildCli(outdir)` builds elsewhere (scripts/build-controller-image.mjs bundles into a temp folder, so a
 * concurrent run of bin/ never sees lib/cli half-written); the bundle still expects to sit at <app>/lib/cli,
 * with the policies folder at <app>/policies.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const defaultOut = join(root, "lib", "cli");

/** Rewrites policies/catalog.ts so that it imports the bundled policy modules. */
const catalogPlugin = {
  name: "bundled-catalog",
  setup(b) {
    b.onLoad({ filter: /[\\/]policies[\\/]catalog\.ts$/ }, (args) => {
      const dir = dirname(args.path);
      const entries = [];
      for (const tier of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
        for (const f of readdirSync(join(dir, tier)).filter((f) => /\.ts$/.test(f) && !/\.(d|test)\.ts$/.test(f)).sort()) entries.push(`${tier}/${f}`);
      }
      let src = readFileSync(args.path, "utf8");
      // Static imports: the catalog imports every policy file when it loads anyway, and a dynamic import per
      // file would make each one an entry point of the bundle, splitting the shared code into many more chunks
      // (every command would then load more files at start-up).
      const imports = entries.map((e, i) => `import * as policy${i} from ${JSON.stringify(`./${e}`)};`).join("\n");
      const table = `${imports}\nconst BUNDLED: Record<string, () => Promise<unknown>> = {\n${entries.map((e, i) => `  ${JSON.stringify(e)}: () => Promise.resolve(policy${i}),`).join("\n")}\n};\n`;
      const dirLine = "export const POLICIES_DIR = dirname(fileURLToPath(import.meta.url));";
      const importLine = "mod = (await import(pathToFileURL(join(tierDir, f)).href)) as { default?: unknown };";
      if (!src.includes(dirLine) || !src.includes(importLine)) throw new Error("policies/catalog.ts changed: update scripts/build-cli.mjs (bundled-catalog)");
      // The bundle lives in lib/cli/: the policies folder is ../../policies from there.
      src = src.replace(dirLine, `export const POLICIES_DIR = join(dirname(fileURLToPath(import.meta.url)).replace(/[\\\\/]chunks$/, ""), ${JSON.stringify(relative(defaultOut, dir))});\n${table}`);
      src = src.replace(
        importLine,
        `const bundled = dir === POLICIES_DIR ? BUNDLED[\`\${tier}/\${f}\`] : undefined;
        if (dir === POLICIES_DIR && bundled === undefined) {
          problems.push({ file, path: "", message: "policy file is newer than the compiled CLI", hint: "run npm run build:cli (or npm run dev -- <command> to run the sources)" });
          continue;
        }
        mod = (await (bundled !== undefined ? bundled() : import(pathToFileURL(join(tierDir, f)).href))) as { default?: unknown };`,
      );
      return { contents: src, loader: "ts", resolveDir: dir };
    });
  },
};

/** Bundles src/cli/main.ts into `out` (emptied first). */
export async function buildCli(out = defaultOut) {
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { main: "src/cli/main.ts" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outdir: out,
    chunkNames: "chunks/[name]-[hash]",
    entryNames: "[name]",
    external: ["cdk8s", "cdk8s-plus-27", "constructs", "@pulumi/*"],
    // yaml's node build is CommonJS and requires node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins: [catalogPlugin],
    logLevel: "warning",
    legalComments: "none",
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await buildCli();
