/**
 * The flow import of bench/replay.bench.ts alone, in a process of its own and as compiled JavaScript (bundled
 * by compilePhase, as the published CLI runs it; no TypeScript loader thread billed to it):
 *
 *   import-phase.ts FLOWS_FILE
 *
 * One figure: importFlowFile (read + parse + validate + dedupe: the whole stage), with true peak RSS.
 */
import { importFlowFile } from "../src/analysis/flows/import.js";
import { emitFigure, measureAsync } from "./measure.js";

const file = process.argv[2] as string;
const { value, figure } = await measureAsync("flow import alone, compiled JS (read + parse + validate + dedupe)", () => importFlowFile(file));
emitFigure({ ...figure, notes: [`${value.records} records -> ${value.flows.length} flows, ${Math.round(value.records / (figure.cpuMs / 1000)).toLocaleString("en")} records per cpu-second`] });
