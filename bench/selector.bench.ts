/**
 * Selector benchmark: parses 100k distinct selectors, then evaluates 1M (selector, labels) pairs
 * with the compiled matchers. Prints ops/s; exits non-zero below 1M matches/s (one core: Node runs
 * this on a single thread).
 *
 * Inputs are generated from a fixed seed so runs are comparable.
 */
import { parseSelector, type Labels, type Selector } from "../src/model/selector/index.js";
import { prng } from "../test/fixtures/flows/generate.js";

const PARSE_COUNT = 100_000;
const MATCH_PAIRS = 1_000_000;
const MATCH_TARGET_PER_SEC = 1_000_000;

const rand = prng(20260101);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const KEYS = ["app", "tier", "env", "team", "projectcalico.org/name", "kubernetes.io/metadata.name", "k8s-app", "version"];
const VALUES = ["web", "api", "db", "queue", "prod", "dev", "staging", "kube-system", "calico-system", "frontend", "backend"];

/** A realistic policy-selector shape; `i` makes every selector distinct. */
function makeSelector(i: number): string {
  const unique = `v${i}`;
  const leaf = (): string => {
    const k = pick(KEYS);
    switch (Math.floor(rand() * 7)) {
      case 0:
        return `${k} == "${pick(VALUES)}"`;
      case 1:
        return `${k} != '${pick(VALUES)}'`;
      case 2:
        return `has(${k})`;
      case 3:
        return `${k} in {"${pick(VALUES)}", "${pick(VALUES)}", "${pick(VALUES)}"}`;
      case 4:
        return `${k} not in {"${pick(VALUES)}", "${pick(VALUES)}"}`;
      case 5:
        return `${k} starts with "${pick(VALUES).slice(0, 2)}"`;
      default:
        return `!has(${k})`;
    }
  };
  const n = 1 + Math.floor(rand() * 4);
  const parts = [`app != "${unique}"`];
  for (let j = 0; j < n; j++) parts.push(leaf());
  const mid = 1 + Math.floor(rand() * (parts.length - 1));
  return rand() < 0.5
    ? parts.join(" && ")
    : `(${parts.slice(0, mid).join(" && ")}) || (${parts.slice(mid).join(" || ")})`;
}

function makeLabels(): Labels {
  const l: Record<string, string> = {};
  for (const k of KEYS) if (rand() < 0.5) l[k] = pick(VALUES);
  return l;
}

function perSec(count: number, ns: bigint): number {
  return count / (Number(ns) / 1e9);
}

const texts: string[] = [];
for (let i = 0; i < PARSE_COUNT; i++) texts.push(makeSelector(i));
if (new Set(texts).size !== PARSE_COUNT) throw new Error("selector generator produced duplicates");

// Parse (tokenize + parse + compile) every selector once.
for (let i = 0; i < 2_000; i++) parseSelector(texts[i] as string); // warm-up
let t0 = process.hrtime.bigint();
const selectors: Selector[] = new Array<Selector>(PARSE_COUNT);
for (let i = 0; i < PARSE_COUNT; i++) selectors[i] = parseSelector(texts[i] as string);
const parseNs = process.hrtime.bigint() - t0;

// Print every canonical form once (cached afterwards).
t0 = process.hrtime.bigint();
let printedChars = 0;
for (const s of selectors) printedChars += s.toString().length;
const printNs = process.hrtime.bigint() - t0;

// Evaluate 1M (selector, labels) pairs, the way analysis does: each selector against the labels
// of a batch of endpoints (10 per selector here, so every one of the 100k selectors is used).
const labelSets: Labels[] = Array.from({ length: 1_000 }, makeLabels);
const PER_SELECTOR = MATCH_PAIRS / PARSE_COUNT;
const evaluateGrouped = (): number => {
  let hits = 0;
  for (let i = 0; i < PARSE_COUNT; i++) {
    const s = selectors[i] as Selector;
    const base = (i * 7919) % labelSets.length;
    for (let j = 0; j < PER_SELECTOR; j++) {
      if (s.matches(labelSets[(base + j * 31) % labelSets.length] as Labels)) hits++;
    }
  }
  return hits;
};
// The same number of pairs in an order that jumps to a different selector every time: a worst
// case for CPU caches with 100k selectors live. Reported for information; not the target.
const evaluateScattered = (): number => {
  let hits = 0;
  for (let i = 0; i < MATCH_PAIRS; i++) {
    const s = selectors[(i * 7919) % PARSE_COUNT] as Selector;
    if (s.matches(labelSets[i % labelSets.length] as Labels)) hits++;
  }
  return hits;
};
evaluateGrouped(); // warm-up
evaluateScattered();
t0 = process.hrtime.bigint();
const hits = evaluateGrouped();
const matchNs = process.hrtime.bigint() - t0;
t0 = process.hrtime.bigint();
const scatteredHits = evaluateScattered();
const scatteredNs = process.hrtime.bigint() - t0;

const matchRate = perSec(MATCH_PAIRS, matchNs);
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
console.log(`parse   ${fmt(PARSE_COUNT)} distinct selectors: ${fmt(perSec(PARSE_COUNT, parseNs))} parses/s (${(Number(parseNs) / 1e6).toFixed(0)} ms)`);
console.log(`print   ${fmt(PARSE_COUNT)} canonical forms: ${fmt(perSec(PARSE_COUNT, printNs))} prints/s (${fmt(printedChars)} chars)`);
console.log(`match   ${fmt(MATCH_PAIRS)} (selector, labels) pairs, ${PER_SELECTOR} per selector: ${fmt(matchRate)} matches/s (${fmt(hits)} matched)`);
console.log(`match   ${fmt(MATCH_PAIRS)} pairs, scattered order (info): ${fmt(perSec(MATCH_PAIRS, scatteredNs))} matches/s (${fmt(scatteredHits)} matched)`);
console.log(`target  ${fmt(MATCH_TARGET_PER_SEC)} matches/s: ${matchRate >= MATCH_TARGET_PER_SEC ? "met" : "MISSED"}`);
process.exitCode = matchRate >= MATCH_TARGET_PER_SEC ? 0 : 1;
