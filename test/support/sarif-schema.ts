/**
 * Validates a SARIF log against the OASIS SARIF 2.1.0 JSON schema (the final 2.1.0-rtm.5 schema, a draft-04
 * JSON Schema) that the npm package @microsoft/jest-sarif ships, with the ajv 6 that package depends on
 * (ajv 8, the project's, no longer reads draft-04). Returns every error, empty when valid.
 */
import { createRequire } from "node:module";

interface Ajv6 {
  addMetaSchema(schema: unknown): void;
  compile(schema: unknown): ((data: unknown) => boolean) & { errors?: Array<{ dataPath?: string; message?: string }> | null };
}

const req = createRequire(createRequire(import.meta.url).resolve("@microsoft/jest-sarif/package.json"));
let validate: ReturnType<Ajv6["compile"]> | undefined;

export function sarifSchemaErrors(log: unknown): string[] {
  if (validate === undefined) {
    const AjvCtor = req("ajv") as new (opts: Record<string, unknown>) => Ajv6;
    const ajv = new AjvCtor({ schemaId: "auto", allErrors: true, validateSchema: false });
    ajv.addMetaSchema(req("ajv/lib/refs/json-schema-draft-04.json"));
    validate = ajv.compile(req("./lib/schemas/sarif-2.1.0-rtm.5.json"));
  }
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.dataPath ?? ""} ${e.message ?? ""}`.trim());
}
