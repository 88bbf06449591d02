/**
 * A namespaces × namespaces matrix as SVG: row = source, column = destination. Cells are coloured
 * allowed (everything), partly allowed, denied, or changed (when a diff is given: the cell's allowed
 * set differs between the two versions). Hand-written SVG, deterministic, no dependencies.
 */
import type { ConnSet } from "../connset.js";
import type { DiffResult } from "../diff.js";

export const COLOURS = { all: "#2e7d32", some: "#a5d6a7", none: "#eeeeee", changed: "#f9a825" } as const;

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function renderSvgMatrix(names: readonly string[], matrix: readonly (readonly ConnSet[])[], diff?: DiffResult): string {
  const cell = 18;
  const label = Math.min(220, 8 + 7 * Math.max(4, ...names.map((n) => n.length)));
  const n = names.length;
  const width = label + n * cell + 20;
  const height = label + n * cell + 60;
  const changed = new Set((diff?.groups ?? []).map((g) => `${g.src}\u0000${g.dst}`));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>Namespace connectivity: rows are sources, columns destinations</title>`,
  ];
  names.forEach((name, i) => {
    const y = label + i * cell + cell * 0.7;
    out.push(`<text x="${label - 4}" y="${y.toFixed(1)}" text-anchor="end">${xml(name)}</text>`);
    const x = label + i * cell + cell * 0.7;
    out.push(`<text x="${x.toFixed(1)}" y="${label - 4}" transform="rotate(-60 ${x.toFixed(1)} ${label - 4})">${xml(name)}</text>`);
  });
  names.forEach((s, i) =>
    names.forEach((d, j) => {
      const c = matrix[i]![j]!;
      const state = changed.has(`${s}\u0000${d}`) ? "changed" : c.isAll() ? "all" : c.isEmpty() ? "none" : "some";
      const title = `${s} → ${d}: ${state === "changed" ? "changed; now " : ""}${c.toString()}`;
      out.push(`<rect x="${label + j * cell}" y="${label + i * cell}" width="${cell - 1}" height="${cell - 1}" fill="${COLOURS[state]}" data-state="${state}"><title>${xml(title)}</title></rect>`);
    }),
  );
  const ly = label + n * cell + 20;
  const legend: Array<[keyof typeof COLOURS, string]> = [["all", "all allowed"], ["some", "some allowed"], ["none", "denied"], ["changed", "changed"]];
  legend.forEach(([k, text], i) => {
    const x = 10 + i * 110;
    out.push(`<rect x="${x}" y="${ly}" width="12" height="12" fill="${COLOURS[k]}"/><text x="${x + 16}" y="${ly + 10}">${text}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
