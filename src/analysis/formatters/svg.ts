/**
 * A namespaces × namespaces matrix as SVG: row = source, column = destination. A cell's fill says what
 * is allowed (everything, some connections, nothing); a changed cell (when a diff is given: its allowed
 * set differs between the two versions) keeps that fill and gets a thick amber outline, so a reader sees
 * both that it changed and what it is now. Every cell has a tooltip with the exact connections.
 * Hand-written SVG, deterministic, no dependencies; the layout is sized from the label lengths so that
 * nothing is clipped (rotated column labels, legend, caption).
 */
import type { ConnSet } from "../connset.js";
import type { Connectivity } from "../connectivity.js";
import type { DiffResult } from "../diff.js";

export const COLOURS = { all: "#2e7d32", some: "#a5d6a7", none: "#eeeeee", changed: "#f9a825" } as const;

/** What a changed cell means in a report (its diff is enforced → staged policies enforced). */
export const STAGED_CHANGE = "would change if the staged policies were enforced";

/** Groups (namespaces, hosts) with exactly one peer: their diagonal cell has no pair. */
export function singleGroups(conn: Pick<Connectivity, "peers">): Set<string> {
  const n = new Map<string, number>();
  for (const p of conn.peers) n.set(p.group, (n.get(p.group) ?? 0) + 1);
  return new Set([...n].filter(([, c]) => c === 1).map(([g]) => g));
}

const FONT = 11;
/** Average advance of a sans-serif character at FONT px (generous, so labels never overflow). */
const CHAR = 6.6;
const CELL = 20;
const PAD = 10;
/** Column labels are rotated by this many degrees (counter-clockwise). */
const ANGLE = 60;

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const textWidth = (s: string): number => s.length * CHAR;

/**
 * @param changedMeaning what an outlined (changed) cell means here, shown in the caption; defaults to
 *   "differ between the two versions".
 * @param single groups with a single endpoint: their diagonal cell has no pair at all, so it is drawn
 *   as "no pair" rather than "denied" (as is external → external, which is never analysed).
 */
export function renderSvgMatrix(names: readonly string[], matrix: readonly (readonly ConnSet[])[], diff?: DiffResult, changedMeaning = "differ between the two versions", single: ReadonlySet<string> = new Set()): string {
  const n = names.length;
  const longest = Math.max(textWidth("from \\ to"), ...names.map(textWidth));
  const rad = (ANGLE * Math.PI) / 180;
  // Row labels on the left; rotated column labels above, reaching right by cos(angle) of their length.
  const left = PAD + longest + 6;
  const top = PAD + FONT + 6 + Math.ceil(longest * Math.sin(rad)) + 6;
  const gridRight = left + n * CELL;
  const overhang = Math.ceil(longest * Math.cos(rad)) + CELL;
  const changed = new Set((diff?.groups ?? []).map((g) => `${g.src}\u0000${g.dst}`));
  const legend: Array<{ fill: string; stroke?: string; text: string }> = [
    { fill: COLOURS.all, text: "all allowed" },
    { fill: COLOURS.some, text: "some allowed" },
    { fill: COLOURS.none, text: "denied" },
    { fill: "#ffffff", stroke: "#bbbbbb", text: "no pair" },
    ...(diff === undefined ? [] : [{ fill: "#ffffff", stroke: COLOURS.changed, text: "changed (outline)" }]),
  ];
  const legendWidth = legend.reduce((w, l) => w + 18 + textWidth(l.text) + 16, 0);
  const caption = diff === undefined ? "" : `Outlined cells: the allowed connections ${changedMeaning}.`;
  const width = Math.ceil(Math.max(gridRight + overhang, PAD + legendWidth, PAD + textWidth(caption)) + PAD);
  const legendY = top + n * CELL + 16;
  const height = legendY + 14 + (caption === "" ? 0 : 20) + PAD;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${FONT}">`,
    `<title>Namespace connectivity: rows are sources, columns destinations</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${PAD}" y="${PAD + FONT}" font-weight="bold">Namespace connectivity (row → column)</text>`,
    `<text x="${left - 6}" y="${top - 6}" text-anchor="end" fill="#555555">from \\ to</text>`,
  ];
  names.forEach((name, i) => {
    const y = top + i * CELL + CELL * 0.7;
    out.push(`<text x="${left - 6}" y="${y.toFixed(1)}" text-anchor="end">${xml(name)}</text>`);
    const x = left + i * CELL + CELL * 0.65;
    out.push(`<text x="${x.toFixed(1)}" y="${top - 6}" transform="rotate(-${ANGLE} ${x.toFixed(1)} ${top - 6})">${xml(name)}</text>`);
  });
  const outlines: string[] = [];
  names.forEach((s, i) =>
    names.forEach((d, j) => {
      const c = matrix[i]![j]!;
      const isChanged = changed.has(`${s}\u0000${d}`);
      const x = left + j * CELL;
      const y = top + i * CELL;
      if (s === d && (s === "(external)" || single.has(s))) {
        const why = s === "(external)" ? "traffic between outside addresses is not analysed" : "a single endpoint: no pair";
        out.push(`<rect x="${x + 0.5}" y="${y + 0.5}" width="${CELL - 2}" height="${CELL - 2}" fill="#ffffff" stroke="#bbbbbb" data-state="no-pair"><title>${xml(`${s} → ${d}: ${why}`)}</title></rect>`);
        return;
      }
      const state = c.isAll() ? "all" : c.isEmpty() ? "none" : "some";
      const title = `${s} → ${d}: ${isChanged ? "changed; now " : ""}${c.toString()}`;
      out.push(`<rect x="${x}" y="${y}" width="${CELL - 1}" height="${CELL - 1}" fill="${COLOURS[state]}" data-state="${state}"${isChanged ? ` data-changed="true"` : ""}><title>${xml(title)}</title></rect>`);
      // Outlines are drawn after every fill so a neighbour never paints over them.
      if (isChanged) outlines.push(`<rect x="${x + 1.5}" y="${y + 1.5}" width="${CELL - 4}" height="${CELL - 4}" fill="none" stroke="${COLOURS.changed}" stroke-width="3" pointer-events="none"/>`);
    }),
  );
  out.push(...outlines);
  let lx = PAD;
  for (const l of legend) {
    out.push(`<rect x="${lx}" y="${legendY}" width="12" height="12" fill="${l.fill}"${l.stroke === undefined ? "" : ` stroke="${l.stroke}" stroke-width="3"`}/><text x="${lx + 18}" y="${legendY + 10}">${xml(l.text)}</text>`);
    lx += 18 + textWidth(l.text) + 16;
  }
  if (caption !== "") out.push(`<text x="${PAD}" y="${legendY + 32}" fill="#555555">${xml(caption)}</text>`);
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
