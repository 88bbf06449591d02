// Types of scripts/build-cli.mjs.
export function buildCli(out?: string): Promise<void>;
