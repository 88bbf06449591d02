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
import { createRequire } from "node:module";
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

/**
 * The yaml library apart, as lib/cli/chunks/yaml.cjs (one CommonJS bundle of it), which every import and
 * require of "yaml" in the CLI's chunks names. Bundled into the chunks, its 264 KB joined src/io/yaml.ts's chunk
 * and every command compiled it at start-up (some 5 ms of a 95 ms `report`), though most runs never call it
 * (src/io/yaml-plain.ts reads plain YAML; src/io/yaml.ts requires the library on first use). Apart, a chunk that
 * imports it statically loads it with that chunk, and src/io/yaml.ts's require loads it only when called; both
 * get the one instance (node's CommonJS cache). The path is relative to lib/cli/chunks/, where every chunk is:
 * buildCli checks that no file outside it names the library.
 */
const YAML_FILE = "yaml.cjs";
const yamlApartPlugin = {
  name: "yaml-apart",
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: `./${YAML_FILE}`, external: true }));
  },
};

/**
 * Chunk groups. esbuild puts each source file in the chunk of the set of entry points (main, each command, each
 * lazily imported module) that reach it, so `report`'s static closure came in 18 chunks of shared code, and
 * node 20's ES module loader costs some 0.4 ms per file besides compiling its code (resolve, realpath, read,
 * link). Each group below is a set of files merged into one chunk: every entry
 * point that reaches any file of a group imports all of it (a side-effect import of the group appended to
 * the entry's source; the files define functions and tables, nothing runs at import), so the group's files are
 * reached by the same entry points and esbuild makes them one chunk. Groups (from the module graph of a first,
 * unwritten build):
 * - core: what main.ts imports (the problem and exit-code types every command shares);
 * - apart: the rest of `report`'s static closure that the long-running sync controller (sync-networksets)
 *   imports too, so that it loads none of the analysis engine;
 * - engine: the rest of `report`'s static closure.
 * A command that needs part of a group loads all of it: more bytes (about 1 ms per 50 KB) for far fewer files.
 * buildCli checks that each group came out as one chunk.
 */
const GROUP_ROOT = "src/cli/commands/report.ts";
const GROUP_APART = "src/cli/commands/sync-networksets.ts";
const MAIN = "src/cli/main.ts";

function chunkGroups(metafile) {
  const inputs = metafile.inputs;
  const internal = (i) => i.external !== true && inputs[i.path] !== undefined;
  const closure = (from) => {
    const seen = new Set();
    const visit = (f) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const i of inputs[f]?.imports ?? []) if (internal(i) && i.kind !== "dynamic-import") visit(i.path);
    };
    for (const f of from) visit(f);
    return seen;
  };
  const entries = new Set([MAIN]);
  for (const f of Object.keys(inputs)) for (const i of inputs[f].imports) if (internal(i) && i.kind === "dynamic-import") entries.add(i.path);
  for (const f of [GROUP_ROOT, GROUP_APART]) if (!entries.has(f)) throw new Error(`scripts/build-cli.mjs: ${f} is no longer an entry point: update the chunk groups`);
  const core = [...closure([MAIN])].filter((f) => f !== MAIN);
  const hot = closure([GROUP_ROOT]);
  const apartClosure = closure([GROUP_APART]);
  // Entry points stay out of the groups, but for report itself (diff and explain import its input loading).
  const taken = new Set([...core, ...[...entries].filter((e) => e !== GROUP_ROOT)]);
  const apart = [...hot].filter((f) => apartClosure.has(f) && !taken.has(f));
  const engine = [...hot].filter((f) => !apartClosure.has(f) && !taken.has(f));
  const groups = { core, apart, engine };
  // Which groups each entry point imports: those it reaches, through its own imports or through a group's.
  const inject = new Map();
  for (const e of entries) {
    if (e === MAIN || e === GROUP_ROOT) continue; // main reaches core only; report reaches all three
    const names = new Set();
    let reach = closure([e]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const [name, files] of Object.entries(groups)) {
        if (!names.has(name) && files.some((f) => reach.has(f))) {
          names.add(name);
          reach = closure([...reach, ...files]);
          changed = true;
        }
      }
    }
    if (names.size > 0) inject.set(e, [...names]);
  }
  return { groups, inject };
}

function chunkGroupPlugin({ groups, inject }) {
  return {
    name: "chunk-groups",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const names = inject.get(relative(root, args.path).split("\\").join("/"));
        if (names === undefined) return undefined;
        // The group's files imported one by one (a module of the group's imports would be a chunk of its own).
        const imports = names.flatMap((n) => groups[n]).map((f) => `import ${JSON.stringify(join(root, f))};`);
        return { contents: `${readFileSync(args.path, "utf8")}\n${imports.join("\n")}\n`, loader: "ts", resolveDir: dirname(args.path) };
      });
    },
  };
}

/** Bundles src/cli/main.ts into `out` (emptied first). */
export async function buildCli(out = defaultOut) {
  rmSync(out, { recursive: true, force: true });
  const options = {
    absWorkingDir: root,
    entryPoints: { main: MAIN },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outdir: out,
    chunkNames: "chunks/[name]-[hash]",
    entryNames: "[name]",
    // .mjs: node knows an ES module by its extension, without looking for the nearest package.json per file.
    outExtension: { ".js": ".mjs" },
    external: ["cdk8s", "cdk8s-plus-27", "constructs", "@pulumi/*"],
    // `require` for src/io/yaml.ts's load of chunks/yaml.cjs on first use.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: "warning",
    legalComments: "none",
    metafile: true,
  };
  const graph = await build({ ...options, write: false, plugins: [catalogPlugin, yamlApartPlugin] });
  const groups = chunkGroups(graph.metafile);
  const result = await build({ ...options, plugins: [chunkGroupPlugin(groups), catalogPlugin, yamlApartPlugin] });
  for (const [name, files] of Object.entries(groups.groups)) {
    const chunks = Object.entries(result.metafile.outputs).filter(([, o]) => files.some((f) => o.inputs[f] !== undefined));
    if (chunks.length > 1) throw new Error(`scripts/build-cli.mjs: chunk group ${name} came out as ${chunks.length} chunks (${chunks.map(([c]) => relative(out, c)).join(", ")})`);
  }
  await build({
    absWorkingDir: root,
    entryPoints: [createRequire(import.meta.url).resolve("yaml")],
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    outfile: join(out, "chunks", YAML_FILE),
    logLevel: "warning",
    legalComments: "none",
  });
  for (const f of readdirSync(out).filter((f) => f.endsWith(".mjs"))) {
    if (readFileSync(join(out, f), "utf8").includes(`./${YAML_FILE}`)) throw new Error(`${f} names the yaml library by a path relative to chunks/: keep its yaml imports in a chunk (scripts/build-cli.mjs, yaml-apart)`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await buildCli();
