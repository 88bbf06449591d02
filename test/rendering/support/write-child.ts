// A child process for write-stack-process.test.ts: writes a stack output labelled LABEL into DIR, ROUNDS
// times; with PAUSE_AT it stops at that step of the write (after touching READY) and waits to be killed.
// Usage: node --import tsx write-child.ts DIR LABEL [ROUNDS] [PAUSE_AT READY]
import { writeFileSync } from "node:fs";
import { writeStack, type WriteStep } from "../../../src/rendering/write-stack.js";

const [dir, label, rounds = "1", pauseAt, ready] = process.argv.slice(2);
if (dir === undefined || label === undefined) throw new Error("usage: write-child.ts DIR LABEL [ROUNDS] [PAUSE_AT READY]");
const sleeper = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; i < Number(rounds); i++) {
  writeStack(
    dir,
    [
      { file: "00-a.yaml", objects: [{ kind: "ConfigMap", metadata: { name: label } }] },
      { file: "10-b.yaml", objects: [{ kind: "ConfigMap", metadata: { name: label } }] },
    ],
    [{ file: "report.md", content: `${label}\n` }],
    {
      lockWaitSeconds: 60,
      onStep: (step: WriteStep) => {
        if (step !== pauseAt) return;
        writeFileSync(ready as string, step);
        for (;;) Atomics.wait(sleeper, 0, 0, 1000);
      },
    },
  );
}
