/**
 * Kubernetes ObjectMeta as it appears in manifests. Server-populated fields (uid, resourceVersion,
 * managedFields...) are accepted so that a dump of a live cluster parses; anything else is reported.
 */
import { any, arr, int, map, obj, str, type Shape } from "./shape.js";

export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly deletionGracePeriodSeconds?: number;
  readonly finalizers?: readonly string[];
  readonly ownerReferences?: readonly unknown[];
  readonly managedFields?: readonly unknown[];
  readonly selfLink?: string;
}

export const OBJECT_META: Shape<ObjectMeta> = obj<ObjectMeta>(
  {
    name: str(),
    generateName: str(),
    namespace: str(),
    labels: map(str()),
    annotations: map(str()),
    uid: str(),
    resourceVersion: str(),
    generation: int(),
    creationTimestamp: str(),
    deletionTimestamp: str(),
    deletionGracePeriodSeconds: int(),
    finalizers: arr(str()),
    ownerReferences: arr(any()),
    managedFields: arr(any()),
    selfLink: str(),
  },
  { noun: "an object (metadata)" },
);

/** Common envelope of every resource: `apiVersion`, `kind`, `metadata`, `spec`. */
export interface ResourceOf<A extends string, K extends string, S> {
  readonly apiVersion: A;
  readonly kind: K;
  readonly metadata: ObjectMeta;
  readonly spec: S;
}
