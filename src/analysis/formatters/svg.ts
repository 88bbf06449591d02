/**
 * A namespaces × namespaces matrix as SVG: row = source, column = destination. A cell's fill says what
 * is allowed (everything, some connections, nothing); a changed cell (when a diff is given: its allowed
 * set differs between the two versions) is filled by what changed instead: blue "+" opened (newly
 * allowed), red "−" closed (newly denied), purple "±" both, so opened and closed cells are told apart at
 * a glance; its tooltip says what opened, what closed and what is allowed now. The title names the view.
 * Hand-written SVG, deterministic, no dependencies; the layout is sized from the label lengths so that
 * nothing is clipped (rotated column labels, legend, caption).
 */
import type { ConnSet } from "../connset.js";
import type { Connectivity } from "../connectivity.js";
import type { DiffResult } from "../diff.js";

/** Allowed-state fills (greens, grey) and change fills (blue opened, red closed, purple both). */
export const COLOURS = { all: "#2e7d32", some: "#a5d6a7", none: "#eeeeee", opened: "#1565c0", closed: "#c62828", both: "#6a1b9a" } as const;

/** What a changed cell means in a report (its diff is enforced → staged policies enforced). */
export const STAGED_CHANGE = "would change if the staged policies were enforced";

/** The title of the report's matrix: the enforced view, coloured where enforcing the staged policies changes it. */
export const REPORT_SVG_TITLE = "Namespace connectivity (row → column), enforced view";

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

export interface SvgPanel {
  /** The panel's heading; names the view (e.g. "Namespace connectivity, enforced now"). */
  readonly title: string;
  readonly names: readonly string[];
  readonly matrix: readonly (readonly ConnSet[])[];
  /** Cells whose namespace pair changed in this diff are coloured by what changed. */
  readonly diff?: DiffResult;
  /** What a changed cell means here, shown in the caption (default: "differ between the two versions"). */
  readonly changedMeaning?: string;
  /** Groups with a single endpoint: their diagonal cell has no pair, drawn as "no pair", not "denied". */
  readonly single?: ReadonlySet<string>;
  /** A line under the title (e.g. "no staged policies: same as the enforced view"). */
  readonly note?: string;
}

type CellChange = "opened" | "closed" | "both";

const CHANGE_TEXT: Readonly<Record<CellChange, string>> = { opened: "opened (newly allowed)", closed: "closed (newly denied)", both: "opened and closed" };
const CHANGE_GLYPH: Readonly<Record<CellChange, string>> = { opened: "+", closed: "\u2212", both: "\u00b1" };

function changeOf(added: ConnSet, removed: ConnSet): CellChange | undefined {
  if (added.isEmpty() && removed.isEmpty()) return undefined;
  return removed.isEmpty() ? "opened" : added.isEmpty() ? "closed" : "both";
}

/** One panel, drawn with its top-left corner at (0, y0). */
function renderPanel(p: SvgPanel, y0: number): { lines: string[]; width: number; height: number } {
  const { names, matrix, diff } = p;
  const single = p.single ?? new Set<string>();
  const n = names.length;
  const longest = Math.max(textWidth("from \\ to"), ...names.map(textWidth));
  const rad = (ANGLE * Math.PI) / 180;
  // Row labels on the left; rotated column labels above, reaching right by cos(angle) of their length.
  const left = PAD + longest + 6;
  const titleY = y0 + PAD + FONT;
  const noteH = p.note === undefined ? 0 : FONT + 6;
  const top = titleY + noteH + 6 + Math.ceil(longest * Math.sin(rad)) + 6;
  const gridRight = left + n * CELL;
  const overhang = Math.ceil(longest * Math.cos(rad)) + CELL;
  const changes = new Map<string, { kind: CellChange; added: ConnSet; removed: ConnSet }>();
  for (const g of diff?.groups ?? []) {
    const kind = changeOf(g.added, g.removed);
    if (kind !== undefined) changes.set(`${g.src}\u0000${g.dst}`, { kind, added: g.added, removed: g.removed });
  }
  const legend: Array<{ fill: string; stroke?: string; text: string }> = [
    { fill: COLOURS.all, text: "all allowed" },
    { fill: COLOURS.some, text: "some allowed" },
    { fill: COLOURS.none, text: "denied" },
    { fill: "#ffffff", stroke: "#bbbbbb", text: "no pair" },
    ...(diff === undefined
      ? []
      : [
          { fill: COLOURS.opened, text: `+ ${CHANGE_TEXT.opened}` },
          { fill: COLOURS.closed, text: `\u2212 ${CHANGE_TEXT.closed}` },
          { fill: COLOURS.both, text: `\u00b1 ${CHANGE_TEXT.both}` },
        ]),
  ];
  const legendWidth = legend.reduce((w, l) => w + 18 + textWidth(l.text) + 16, 0);
  const caption = diff === undefined ? "" : `Coloured cells: the allowed connections ${p.changedMeaning ?? "differ between the two versions"} (${changes.size} namespace pair${changes.size === 1 ? "" : "s"}).`;
  const width = Math.ceil(Math.max(gridRight + overhang, PAD + legendWidth, PAD + textWidth(caption), PAD + textWidth(p.title) * 1.1, PAD + textWidth(p.note ?? "")) + PAD);
  const legendY = top + n * CELL + 16;
  const height = legendY + 14 + (caption === "" ? 0 : 20) + PAD - y0;
  const out: string[] = [
    `<text x="${PAD}" y="${titleY}" font-weight="bold">${xml(p.title)}</text>`,
    ...(p.note === undefined ? [] : [`<text x="${PAD}" y="${titleY + noteH}" fill="#555555">${xml(p.note)}</text>`]),
    `<text x="${left - 6}" y="${top - 6}" text-anchor="end" fill="#555555">from \\ to</text>`,
  ];
  names.forEach((name, i) => {
    const y = top + i * CELL + CELL * 0.7;
    out.push(`<text x="${left - 6}" y="${y.toFixed(1)}" text-anchor="end">${xml(name)}</text>`);
    const x = left + i * CELL + CELL * 0.65;
    out.push(`<text x="${x.toFixed(1)}" y="${top - 6}" transform="rotate(-${ANGLE} ${x.toFixed(1)} ${top - 6})">${xml(name)}</text>`);
  });
  names.forEach((s, i) =>
    names.forEach((d, j) => {
      const c = matrix[i]![j]!;
      const change = changes.get(`${s}\u0000${d}`);
      const x = left + j * CELL;
      const y = top + i * CELL;
      if (s === d && (s === "(external)" || single.has(s)) && change === undefined) {
        const why = s === "(external)" ? "traffic between outside addresses is not analysed" : "a single endpoint: no pair";
        out.push(`<rect x="${x + 0.5}" y="${y + 0.5}" width="${CELL - 2}" height="${CELL - 2}" fill="#ffffff" stroke="#bbbbbb" data-state="no-pair"><title>${xml(`${s} → ${d}: ${why}`)}</title></rect>`);
        return;
      }
      const state = c.isAll() ? "all" : c.isEmpty() ? "none" : "some";
      if (change === undefined) {
        out.push(`<rect x="${x}" y="${y}" width="${CELL - 1}" height="${CELL - 1}" fill="${COLOURS[state]}" data-state="${state}"><title>${xml(`${s} → ${d}: ${c.toString()}`)}</title></rect>`);
        return;
      }
      const what = [change.added.isEmpty() ? undefined : `opened ${change.added.toString()}`, change.removed.isEmpty() ? undefined : `closed ${change.removed.toString()}`].filter((t) => t !== undefined).join("; ");
      const title = `${s} → ${d}: ${what}; now ${c.toString()}`;
      out.push(`<rect x="${x}" y="${y}" width="${CELL - 1}" height="${CELL - 1}" fill="${COLOURS[change.kind]}" data-state="${state}" data-changed="${change.kind}"><title>${xml(title)}</title></rect>`);
      out.push(`<text x="${(x + (CELL - 1) / 2).toFixed(1)}" y="${(y + CELL * 0.72).toFixed(1)}" text-anchor="middle" fill="#ffffff" font-weight="bold" pointer-events="none">${CHANGE_GLYPH[change.kind]}</text>`);
    }),
  );
  let lx = PAD;
  for (const l of legend) {
    out.push(`<rect x="${lx}" y="${legendY}" width="12" height="12" fill="${l.fill}"${l.stroke === undefined ? "" : ` stroke="${l.stroke}" stroke-width="1"`}/><text x="${lx + 18}" y="${legendY + 10}">${xml(l.text)}</text>`);
    lx += 18 + textWidth(l.text) + 16;
  }
  if (caption !== "") out.push(`<text x="${PAD}" y="${legendY + 32}" fill="#555555">${xml(caption)}</text>`);
  return { lines: out, width, height };
}

/** Panels stacked top to bottom in one SVG; `heading` titles the whole document. */
export function renderSvgPanels(panels: readonly SvgPanel[], heading: string): string {
  const parts: Array<ReturnType<typeof renderPanel>> = [];
  let y = 0;
  for (const p of panels) {
    const r = renderPanel(p, y);
    parts.push(r);
    y += r.height;
  }
  const width = Math.max(...parts.map((p) => p.width));
  const height = Math.ceil(y);
  return `${[
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${FONT}">`,
    `<title>${xml(heading)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...parts.flatMap((p) => p.lines),
    "</svg>",
  ].join("\n")}\n`;
}

/**
 * One matrix. A changed cell (when a diff is given: its namespace pair's allowed set differs between the
 * two versions) is filled by what changed: opened, closed, or both, each with its own colour and glyph.
 * @param changedMeaning what a changed cell means here, shown in the caption.
 * @param single groups with a single endpoint (see SvgPanel).
 * @param title names the view, e.g. "Namespace connectivity (row → column), enforced now".
 */
export function renderSvgMatrix(
  names: readonly string[],
  matrix: readonly (readonly ConnSet[])[],
  diff?: DiffResult,
  changedMeaning = "differ between the two versions",
  single: ReadonlySet<string> = new Set(),
  title = "Namespace connectivity (row → column)",
): string {
  return renderSvgPanels([{ title, names, matrix, ...(diff === undefined ? {} : { diff }), changedMeaning, single }], `${title}: rows are sources, columns destinations`);
}
