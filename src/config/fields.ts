/**
 * A small reader over untyped config objects that collects every problem (key path, bad value, hint)
 * instead of stopping at the first, so one `UserError` lists all of them.
 */
import { formatCidr, parseCidr, type Cidr } from "../model/net.js";
import { joinPath, type Problem } from "../model/problem.js";
import type { SecretValue } from "./types.js";

/**
 * How a secret leaf looks in `Pulumi.<stack>.yaml`: `{secure: "<ciphertext>"}` and nothing else. That is
 * Pulumi's own definition (pulumi/pulumi `sdk/go/common/resource/config` isSecureValue: a map of length one
 * whose `secure` is a string): a map with any other key, `{secure: "", value: hunter2}` say, is a plain
 * object to Pulumi, stored and shown in clear text. An empty ciphertext is no secret either.
 */
export interface SecretLeaf {
  readonly secure: string;
}

export function isSecretLeaf(v: unknown): v is SecretLeaf {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof DecryptedSecret) return false;
  const keys = Object.keys(v);
  const secure = (v as { secure?: unknown }).secure;
  return keys.length === 1 && keys[0] === "secure" && typeof secure === "string" && secure !== "";
}

/**
 * A secret the Pulumi engine decrypted (src/deployment/config.ts marks the secret fields of secret keys with
 * it). An object of this class cannot come out of a YAML or JSON file, so a stack file cannot forge one.
 */
export class DecryptedSecret {
  constructor(readonly value: string) {}
  toJSON(): string {
    return "<redacted>";
  }
}

/** A secret value as the parser receives it: from the stack file (encrypted) or from the engine (decrypted). */
export function isSecret(v: unknown): v is SecretLeaf | DecryptedSecret {
  return v instanceof DecryptedSecret || isSecretLeaf(v);
}

/**
 * A value as a problem may quote it: secrets, and maps that look like secrets (a `secure` key beside plain
 * text), anywhere inside it become "<redacted>", so no error message echoes a secret.
 */
export function redact(v: unknown, depth = 0): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (isSecret(v) || isMalformedSecret(v)) return "<redacted>";
  if (depth > 20) return "…";
  if (Array.isArray(v)) return v.map((x) => redact(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x, depth + 1)]));
}

/** An object with a `secure` key that is no valid secret leaf: its other keys may hold plain text. */
function isMalformedSecret(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isSecret(v) && "secure" in v;
}

export type Obj = Readonly<Record<string, unknown>>;

/** A value check: a RegExp, or anything with a `test` (src/config/checks.ts), and the hint when it fails. */
export interface Check {
  readonly pattern: { test(text: string): boolean };
  readonly hint: string;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof DecryptedSecret);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (isSecret(v)) return "a secret";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** Closest known key by edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/** Reads the fields of one config object at `path`, recording problems into a shared list. */
export class Fields {
  constructor(
    readonly problems: Problem[],
    readonly path: string,
    readonly obj: Obj,
  ) {}

  /** Reads a nested object (absent → empty object, so its defaults apply). */
  static of(problems: Problem[], path: string, v: unknown): Fields {
    if (v === undefined || v === null) return new Fields(problems, path, {});
    if (!isObj(v) || isSecret(v)) {
      problems.push({ path, value: redact(v), message: `must be an object, not ${typeName(v)}`, hint: "write the keys under it as a YAML map" });
      return new Fields(problems, path, {});
    }
    return new Fields(problems, path, v);
  }

  at(key: string): string {
    return joinPath(this.path, key);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  problem(key: string, value: unknown, message: string, hint: string): void {
    this.problems.push({ path: key === "" ? this.path : this.at(key), value: redact(value), message, hint });
  }

  child(key: string): Fields {
    return Fields.of(this.problems, this.at(key), this.obj[key]);
  }

  /** Reports keys that this object does not define (typos would otherwise be silently ignored). */
  rejectUnknown(known: readonly string[]): void {
    for (const key of Object.keys(this.obj).sort()) {
      if (known.includes(key)) continue;
      const guess = closest(key, known);
      this.problem(
        key,
        undefined,
        "is not a known setting",
        guess !== undefined ? `did you mean "${guess}"?` : `known settings here: ${known.join(", ")}`,
      );
    }
  }

  string(key: string, dflt: string, check?: Check): string;
  string(key: string, dflt?: string, check?: Check): string | undefined;
  string(key: string, dflt?: string, check?: Check): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return dflt;
    if (isSecret(v) || isMalformedSecret(v)) {
      this.problem(key, undefined, "is a secret but this setting is not secret", `set it with "pulumi config set --path ${this.at(key).replace(/^[^:]+:/, "")} <value>" (without --secret)`);
      return dflt;
    }
    const text = typeof v === "number" ? String(v) : v;
    if (typeof text !== "string" || text === "") {
      this.problem(key, v, `must be a non-empty string, not ${typeName(v)}`, check?.hint ?? "give a text value");
      return dflt;
    }
    if (check !== undefined && !check.pattern.test(text)) {
      this.problem(key, text, "has an invalid format", check.hint);
      return dflt;
    }
    return text;
  }

  requireString(key: string, hint: string, check?: Check): string {
    if (!this.has(key)) {
      this.problem(key, undefined, "is required", hint);
      return "";
    }
    return this.string(key, "", check);
  }

  int(key: string, dflt: number, min: number, max: number, hint?: string): number {
    const v = this.obj[key];
    if (v === undefined || v === null) return dflt;
    const n = typeof v === "string" && /^-?[0-9]+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      this.problem(key, v, `must be a whole number from ${min} to ${max}`, hint ?? `use a value between ${min} and ${max}`);
      return dflt;
    }
    return n;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) return dflt;
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    this.problem(key, v, "must be true or false", "write true or false without quotes");
    return dflt;
  }

  oneOf<T extends string>(key: string, values: readonly T[], dflt: T): T {
    const v = this.obj[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v === "string" && (values as readonly string[]).includes(v)) return v as T;
    const guess = typeof v === "string" ? closest(v, values) : undefined;
    this.problem(
      key,
      v,
      `must be one of ${values.join(", ")}`,
      guess !== undefined ? `did you mean "${guess}"?` : `choose one of ${values.join(", ")}`,
    );
    return dflt;
  }

  stringList(key: string, dflt: readonly string[], check?: Check): string[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [...dflt];
    if (!Array.isArray(v)) {
      this.problem(key, v, `must be a list of strings, not ${typeName(v)}`, "write a YAML list: [a, b]");
      return [...dflt];
    }
    const out: string[] = [];
    v.forEach((item: unknown, i) => {
      const p = joinPath(this.at(key), i);
      if (typeof item !== "string" || item === "") {
        this.problems.push({ path: p, value: redact(item), message: "must be a non-empty string", hint: check?.hint ?? "give a text value" });
      } else if (check !== undefined && !check.pattern.test(item)) {
        this.problems.push({ path: p, value: item, message: "has an invalid format", hint: check.hint });
      } else {
        out.push(item);
      }
    });
    return out;
  }

  /**
   * A CIDR written in canonical form (`10.42.0.0/16`). Host bits set (`10.42.0.1/16`) are rejected because
   * Calico and k3s would silently use a different block than the one the user meant.
   */
  cidr(key: string, dflt: string, version?: 4 | 6): string;
  cidr(key: string, dflt: undefined, version?: 4 | 6): string | undefined;
  cidr(key: string, dflt: string | undefined, version?: 4 | 6): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return dflt;
    return checkCidr(this.problems, this.at(key), v, version) ?? dflt;
  }

  cidrList(key: string, dflt: readonly string[]): string[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [...dflt];
    if (!Array.isArray(v)) {
      this.problem(key, v, `must be a list of CIDRs, not ${typeName(v)}`, "write a YAML list: [10.0.0.0/24]");
      return [...dflt];
    }
    const out: string[] = [];
    v.forEach((item: unknown, i) => {
      const c = checkCidr(this.problems, joinPath(this.at(key), i), item);
      if (c !== undefined) out.push(c);
    });
    return out;
  }

  /**
   * A value that must come from secret config. Offline it is `{secure}` (not decrypted); from the Pulumi
   * side it is `{secure, value}`. A plain string is rejected: it would sit unencrypted in the stack file
   * and in the state.
   */
  secret(key: string, required: boolean, hint: string): SecretValue | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (required) this.problem(key, undefined, "is required", hint);
      return undefined;
    }
    if (v instanceof DecryptedSecret) return { secret: true, value: v.value };
    if (isSecretLeaf(v)) return { secret: true, value: undefined };
    const cliKey = this.at(key).replace(/^[^:]+:/, "");
    if (isMalformedSecret(v)) {
      // Never echo it: its other keys (`value: hunter2`) are plain text.
      this.problem(
        key,
        "<redacted>",
        "is not a Pulumi secret: a secret is {secure: <ciphertext>} and nothing else, so this map is stored in plain text",
        `remove it from the stack file and run "pulumi config set --path --secret ${cliKey} <value>"`,
      );
      return undefined;
    }
    this.problem(
      key,
      "<redacted>",
      "is a secret but was given in plain text",
      `remove it from the stack file and run "pulumi config set --path --secret ${cliKey} <value>"`,
    );
    return undefined;
  }
}

export function checkCidr(problems: Problem[], path: string, v: unknown, version?: 4 | 6): string | undefined {
  const parsed: Cidr | undefined = typeof v === "string" ? parseCidr(v) : undefined;
  if (typeof v !== "string" || parsed === undefined || !parsed.hadPrefix) {
    problems.push({
      path,
      value: redact(v),
      message: "is not a CIDR",
      hint: "write an address block with its prefix length, e.g. 10.42.0.0/16",
    });
    return undefined;
  }
  if (parsed.hostBitsSet) {
    const canonical = formatCidr(parsed);
    problems.push({
      path,
      value: v,
      message: "has host bits set below the prefix length",
      hint: `did you mean ${canonical}?`,
    });
    return undefined;
  }
  if (version !== undefined && parsed.version !== version) {
    problems.push({ path, value: v, message: `must be an IPv${version} CIDR`, hint: `give an IPv${version} block` });
    return undefined;
  }
  return v;
}
