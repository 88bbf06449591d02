/**
 * Object-level diff of two manifest sets: the objects added, removed and changed, with the fields that
 * changed, whether or not any flow changes (a reviewer must see a deleted policy even when the flows it
 * allowed are still allowed by another one).
 *
 * Identity is `Kind/namespace/name` (the API group version is not part of it: projectcalico.org/v3 and
 * crd.projectcalico.org/v1 name the same object). The file an object is in is not part of it either, so
 * moving an object between files changes nothing. A staged policy replaced by its enforced namesake
 * (StagedGlobalNetworkPolicy/x → GlobalNetworkPolicy/x) is one changed object, a promotion, whose `kind`
 * changed. Fields the API server owns (status, resourceVersion, uid, managedFields, ...) are ignored.
 */
import { joinPath } from "../model/problem.js";
import { flattenObjects, isObj } from "./inventory.js";
import type { SourcedObject } from "./policies.js";

export interface ObjectRef {
  /** `Kind/namespace/name` or `Kind/name`. */
  readonly id: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly file?: string;
}

export interface FieldChange {
  /** `spec.ingress[0].destination.ports`; `kind` for a promotion. */
  readonly path: string;
  /** Absent when the field was added. */
  readonly before?: unknown;
  /** Absent when the field was removed. */
  readonly after?: unknown;
}

export interface ObjectChange {
  readonly before: ObjectRef;
  readonly after: ObjectRef;
  /** Every changed leaf, in path order. */
  readonly fields: readonly FieldChange[];
  /** A Staged* kind replaced by its enforced kind (or the other way round: `demotion`). */
  readonly promotion?: "promotion" | "demotion";
}

export interface ObjectDiff {
  readonly added: readonly ObjectRef[];
  readonly removed: readonly ObjectRef[];
  readonly changed: readonly ObjectChange[];
  /** Objects present and equal on both sides. */
  readonly unchanged: number;
}

type Obj = Record<string, unknown>;

/** Metadata the API server or kubectl write; never part of what a reviewer changed. */
const SERVER_METADATA = new Set(["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"]);
const SERVER_ANNOTATIONS = new Set(["kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision"]);

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function refOf(o: Obj, file: string | undefined): ObjectRef {
  const m = isObj(o["metadata"]) ? o["metadata"] : {};
  const kind = String(o["kind"] ?? "(no kind)");
  const name = str(m["name"]) ?? "(no name)";
  const namespace = str(m["namespace"]);
  return { id: [kind, namespace, name].filter((s) => s !== undefined).join("/"), kind, ...(namespace === undefined ? {} : { namespace }), name, ...(file === undefined ? {} : { file }) };
}

/** The object as a reviewer compares it: no status, no server-owned metadata, no apiVersion. */
function comparable(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "status" || k === "apiVersion" || k === "kind") continue;
    if (k === "metadata" && isObj(v)) {
      const m: Obj = {};
      for (const [mk, mv] of Object.entries(v)) {
        if (SERVER_METADATA.has(mk)) continue;
        if (mk === "annotations" && isObj(mv)) {
          const a = Object.fromEntries(Object.entries(mv).filter(([ak]) => !SERVER_ANNOTATIONS.has(ak)));
          if (Object.keys(a).length > 0) m[mk] = a;
          continue;
        }
        m[mk] = mv;
      }
      out[k] = m;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/** Changed leaves between two JSON values; keys in code-point order, arrays index by index. */
export function fieldChanges(a: unknown, b: unknown, path = ""): FieldChange[] {
  if (Object.is(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = joinPath(path, i);
      if (i >= a.length) out.push({ path: p, after: b[i] });
      else if (i >= b.length) out.push({ path: p, before: a[i] });
      else out.push(...fieldChanges(a[i], b[i], p));
    }
    return out;
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    const out: FieldChange[] = [];
    for (const k of keys) {
      const p = joinPath(path, k);
      if (!(k in a)) out.push({ path: p, after: b[k] });
      else if (!(k in b)) out.push({ path: p, before: a[k] });
      else out.push(...fieldChanges(a[k], b[k], p));
    }
    return out;
  }
  if (a === undefined) return [{ path, after: b }];
  if (b === undefined) return [{ path, before: a }];
  return [{ path, before: a, after: b }];
}

function index(objects: readonly SourcedObject[]): Map<string, { ref: ObjectRef; o: Obj }> {
  const out = new Map<string, { ref: ObjectRef; o: Obj }>();
  for (const x of objects) {
    for (const o of flattenObjects([x.object])) {
      const ref = refOf(o, x.file);
      // A duplicate is Calico's "last write wins"; the analysis reports duplicates elsewhere.
      out.set(ref.id, { ref, o });
    }
  }
  return out;
}

const byId = (x: ObjectRef, y: ObjectRef): number => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

/** The enforced kind of a Staged* kind, or undefined. */
function enforcedKind(kind: string): string | undefined {
  return kind.startsWith("Staged") ? kind.slice("Staged".length) : undefined;
}

export function diffObjects(before: readonly SourcedObject[], after: readonly SourcedObject[]): ObjectDiff {
  const a = index(before);
  const b = index(after);
  let added: ObjectRef[] = [];
  let removed: ObjectRef[] = [];
  const changed: ObjectChange[] = [];
  let unchanged = 0;
  for (const [id, x] of a) {
    const y = b.get(id);
    if (y === undefined) {
      removed.push(x.ref);
      continue;
    }
    const fields = fieldChanges(comparable(x.o), comparable(y.o));
    if (fields.length === 0) unchanged++;
    else changed.push({ before: x.ref, after: y.ref, fields });
  }
  for (const [id, y] of b) if (!a.has(id)) added.push(y.ref);
  // Promotions and demotions: a removed Staged X and an added X of the same namespace and name (or back).
  const key = (kind: string, r: ObjectRef): string => [kind, r.namespace, r.name].filter((s) => s !== undefined).join("/");
  const addedById = new Map(added.map((r) => [r.id, r] as const));
  const paired = new Set<string>();
  for (const r of removed) {
    const staged = enforcedKind(r.kind);
    const counterpart = staged !== undefined ? addedById.get(key(staged, r)) : addedById.get(key(`Staged${r.kind}`, r));
    if (counterpart === undefined || paired.has(counterpart.id)) continue;
    paired.add(counterpart.id);
    paired.add(r.id);
    const fields = [{ path: "kind", before: r.kind, after: counterpart.kind }, ...fieldChanges(comparable(a.get(r.id)!.o), comparable(b.get(counterpart.id)!.o))];
    changed.push({ before: r, after: counterpart, fields, promotion: staged !== undefined ? "promotion" : "demotion" });
  }
  added = added.filter((r) => !paired.has(r.id)).sort(byId);
  removed = removed.filter((r) => !paired.has(r.id)).sort(byId);
  changed.sort((x, y) => byId(x.after, y.after));
  return { added, removed, changed, unchanged };
}

/** True when nothing was added, removed or changed. */
export function objectDiffIsEmpty(d: ObjectDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}

/** A value for one line of a report: JSON, cut to `max` characters. */
export function shortValue(v: unknown, max = 80): string {
  if (v === undefined) return "(absent)";
  const t = JSON.stringify(v) ?? String(v);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
