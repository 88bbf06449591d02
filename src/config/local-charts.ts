/**
 * Local Helm charts, for sites without access to a chart repository: `calico.chartRepo` and
 * `monitoring.nodeExporter.chartRepo` may name a local path instead of an https:// or oci:// location.
 *
 * A local location is one of
 * - a chart directory (holding `Chart.yaml`) or a packaged chart (`.tgz`, as `helm package`/`helm pull` write
 *   it): the chart itself, usable when the stack needs only that chart from this location;
 * - a directory holding charts: `<dir>/<chart>/Chart.yaml` (unpacked, as the Calico release's `charts/`
 *   folder is laid out) or `<dir>/<chart>-<version>.tgz` (as `helm pull` names the archive).
 *
 * Helm loads local charts the same way (helm.sh/helm/v3 `pkg/chart/loader`: a directory or a gzipped tar
 * whose entries sit under one top folder; `Chart.yaml` carries `name` and `version`). Helm ignores `--version`
 * for a local chart, so the version is checked here: the chart found must be the one the stack pins.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";

/** Whether a location is a local path (anything without a `<scheme>://` prefix). */
export function isLocalLocation(location: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

export interface LocalChart {
  /** Absolute path of the chart directory or archive, as `helm.v4.Chart`'s `chart` takes it. */
  readonly path: string;
  readonly kind: "directory" | "archive";
}

export interface ChartProblem {
  readonly message: string;
  readonly hint: string;
}

/** Upper bound on a chart archive and on its unpacked size: charts are kilobytes, a runaway gzip is not. */
const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;
const MAX_CHART_YAML_BYTES = 1024 * 1024;

const isArchiveName = (p: string): boolean => /\.(tgz|tar\.gz)$/.test(p);

/** Compares chart versions as Helm's semver does for an exact pin: a leading `v` is not part of the version. */
function sameVersion(a: string, b: string): boolean {
  return a.replace(/^v/, "") === b.replace(/^v/, "");
}

function tarString(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
}

/** PAX extended header records (`<len> <key>=<value>\n`), for the `path` of the next entry. */
function paxPath(data: Buffer): string | undefined {
  let text = data.toString("utf8");
  while (text.length > 0) {
    const m = /^([0-9]+) /.exec(text);
    if (m === null) return undefined;
    const len = Number(m[1]);
    const record = text.slice(m[0].length, len - 1);
    if (record.startsWith("path=")) return record.slice("path=".length);
    text = text.slice(len);
  }
  return undefined;
}

/**
 * The content of the first entry of a (POSIX/GNU) tar archive whose path matches `wanted`, or undefined.
 * Reads ustar names with their prefix, PAX `path` records and GNU long names; stops at the end blocks.
 */
export function readTarEntry(tar: Buffer, wanted: (path: string) => boolean, maxBytes: number): { path: string; data: Buffer } | undefined {
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined;
    const sizeText = tarString(header, 124, 12).trim();
    const size = sizeText === "" ? 0 : parseInt(sizeText, 8);
    if (!Number.isFinite(size) || size < 0) throw new Error("corrupt tar header (size)");
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    if (data.length < size) throw new Error("truncated tar archive");
    offset = dataStart + Math.ceil(size / 512) * 512;
    if (type === "x" || type === "L") {
      longName = type === "x" ? paxPath(data) : tarString(data, 0, data.length);
      continue;
    }
    if (type === "g") continue;
    const magic = tarString(header, 257, 6);
    const prefix = magic.startsWith("ustar") ? tarString(header, 345, 155) : "";
    const name = longName ?? (prefix !== "" ? `${prefix}/${tarString(header, 0, 100)}` : tarString(header, 0, 100));
    longName = undefined;
    if ((type === "0" || type === "\0") && wanted(name.replace(/^\.\//, ""))) {
      if (size > maxBytes) throw new Error(`${name} is larger than ${maxBytes} bytes`);
      return { path: name.replace(/^\.\//, ""), data: Buffer.from(data) };
    }
  }
  return undefined;
}

/** `name` and `version` of a Chart.yaml text, or a problem. */
function chartMeta(text: string, where: string): { name: string; version: string } | ChartProblem {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    return { message: `${where} is not valid YAML: ${(e as Error).message.split("\n")[0] ?? ""}`, hint: "give an unchanged Helm chart" };
  }
  const o = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>) : {};
  const name = o["name"];
  const version = o["version"];
  if (typeof name !== "string" || (typeof version !== "string" && typeof version !== "number")) {
    return { message: `${where} has no name and version`, hint: "give a Helm chart: its Chart.yaml names the chart and its version" };
  }
  return { name, version: String(version) };
}

/** Reads the Chart.yaml of a chart directory or archive. */
export function readChartMeta(path: string, kind: "directory" | "archive"): { name: string; version: string } | ChartProblem {
  if (kind === "directory") {
    const file = join(path, "Chart.yaml");
    const st = statSync(file);
    if (!st.isFile() || st.size > MAX_CHART_YAML_BYTES) return { message: `${file} is not a regular file under 1 MiB`, hint: "give an unchanged Helm chart" };
    return chartMeta(readFileSync(file, "utf8"), file);
  }
  const st = statSync(path);
  if (!st.isFile() || st.size > MAX_ARCHIVE_BYTES) return { message: `${path} is not a regular file under ${MAX_ARCHIVE_BYTES / 1024 / 1024} MiB`, hint: "give a packaged chart (helm package, helm pull)" };
  let entry: { path: string; data: Buffer } | undefined;
  try {
    const tar = gunzipSync(readFileSync(path), { maxOutputLength: MAX_ARCHIVE_BYTES });
    // Helm's loader takes Chart.yaml from the archive's one top folder (<chart>/Chart.yaml).
    entry = readTarEntry(tar, (p) => /^[^/]+\/Chart\.yaml$/.test(p), MAX_CHART_YAML_BYTES);
  } catch (e) {
    return { message: `${path} is not a gzipped tar archive (${(e as Error).message})`, hint: "give a chart packaged by helm package or downloaded by helm pull" };
  }
  if (entry === undefined) return { message: `${path} holds no <chart>/Chart.yaml`, hint: "give a chart packaged by helm package or downloaded by helm pull" };
  return chartMeta(entry.data.toString("utf8"), `${path}:${entry.path}`);
}

const isProblem = (v: object): v is ChartProblem => "message" in v;

/**
 * Finds chart `chart` at version `version` at the local location `location` (absolute). Returns the chart, or
 * the problem: the path is missing, holds no chart of that name, or holds another version.
 */
export function locateLocalChart(location: string, chart: string, version: string): LocalChart | ChartProblem {
  const archiveName = `${chart}-${version}.tgz`;
  const layout = `a chart directory or .tgz of ${chart} ${version}, or a directory holding ${chart}/Chart.yaml or ${archiveName}`;
  if (!existsSync(location)) return { message: `does not exist (resolved to ${location})`, hint: `give ${layout}; a relative path is relative to the project directory (where Pulumi.yaml is)` };
  let candidate: LocalChart;
  const st = statSync(location);
  if (st.isFile()) {
    if (!isArchiveName(location)) return { message: `is a file but not a packaged chart (.tgz) (resolved to ${location})`, hint: `give ${layout}` };
    candidate = { path: location, kind: "archive" };
  } else if (!st.isDirectory()) {
    return { message: `is neither a directory nor a file (resolved to ${location})`, hint: `give ${layout}` };
  } else if (existsSync(join(location, "Chart.yaml"))) {
    candidate = { path: location, kind: "directory" };
  } else if (existsSync(join(location, chart, "Chart.yaml"))) {
    candidate = { path: join(location, chart), kind: "directory" };
  } else if (existsSync(join(location, archiveName))) {
    candidate = { path: join(location, archiveName), kind: "archive" };
  } else {
    return { message: `holds no chart ${chart} (resolved to ${location}: no Chart.yaml, ${chart}/Chart.yaml or ${archiveName})`, hint: `give ${layout}` };
  }
  let meta: { name: string; version: string } | ChartProblem;
  try {
    meta = readChartMeta(candidate.path, candidate.kind);
  } catch (e) {
    return { message: `cannot be read: ${(e as Error).message}`, hint: `give ${layout}` };
  }
  if (isProblem(meta)) return meta;
  if (meta.name !== chart) {
    return { message: `holds chart ${meta.name} ${meta.version} (${candidate.path}), not ${chart}`, hint: `give ${layout}` };
  }
  if (!sameVersion(meta.version, version)) {
    return {
      message: `holds ${chart} ${meta.version} (${candidate.path}), but the stack needs ${version}`,
      hint: "Helm ignores the version of a local chart: give the chart of the configured release, or change the release in config",
    };
  }
  return candidate;
}
