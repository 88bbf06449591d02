// Entry of the policy pack. The Pulumi CLI's policy runner `require`s the pack (CommonJS); the policies and the
// analysis engine they reuse are ESM TypeScript (../src), loaded through tsx's ESM loader. The module's value
// is a promise, which the runner awaits, so a failure to load is reported, not swallowed.
"use strict";
module.exports = (async () => {
  const { register } = await import("tsx/esm/api");
  const { pathToFileURL } = await import("node:url");
  register();
  const pack = await import(pathToFileURL(`${__dirname}/pack.mts`).href);
  await pack.servePack();
})();
