// Types of scripts/build-controller-image.mjs for the tests that import it.
export type TarEntry =
  | { type: "file"; path: string; data: Buffer; mode: number; uid: number; gid: number; mtime: number }
  | { type: "dir"; path: string; mode: number; uid: number; gid: number; mtime: number }
  | { type: "symlink"; path: string; target: string; mode: number; uid: number; gid: number; mtime: number };

export const IMAGE_REPOSITORY: string;
export const IMAGE_USER: number;
export function tar(entries: readonly TarEntry[]): Buffer;
export function sharedLibraries(binary: string): string[];
export interface BuiltImage {
  layout: string;
  ref: string;
  tag: string;
  digest: string;
  config: string;
  layers: string[];
  size: number;
  architecture: string;
  node: string;
}
export function buildControllerImage(o?: { out?: string; tag?: string; source?: string; node?: string }): Promise<BuiltImage>;
