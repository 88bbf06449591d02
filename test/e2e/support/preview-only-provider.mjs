// A preview-only stand-in for a resource provider plugin the Go module proxy does not serve (pulumi-command,
// pulumi-random, pulumi-tls), so the real engine can preview the dev and prod stacks, whose graphs hold such
// resources. It answers Check with the inputs as given and Diff by comparing inputs; it never creates,
// updates or deletes anything (each is an error), and it does not implement Configure's preview support, so
// the engine never asks it for outputs: outputs the program reads stay unknown in the preview, as they are for
// a resource not yet created. Served with the Node.js SDK's provider server (@pulumi/pulumi provider.main).
//   node preview-only-provider.mjs <package> <version> <engine address>...
import { createRequire } from "node:module";

const require = createRequire(new URL("../../../package.json", import.meta.url));
const { main } = require("@pulumi/pulumi/provider");

const [pkg, version, ...args] = process.argv.slice(2);
const refuse = (op) => async (urn) => {
  throw new Error(`${pkg} ${version} is a preview-only stand-in in the e2e suite: it cannot ${op} ${urn}`);
};
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

await main(
  {
    version,
    check: async (_urn, _olds, news) => ({ inputs: news }),
    diff: async (_id, _urn, olds, news) => ({ changes: !same(olds, news) }),
    create: refuse("create"),
    update: async (_id, urn) => refuse("update")(urn),
    delete: async (_id, urn) => refuse("delete")(urn),
  },
  args,
);
