// Node ports are reachable from outside the cluster only from calico-baseline:northSouth.allowFrom (CIDRs or
// external network names from policies/externals.ts); the nodes and the pods keep reaching them. A
// pre-DNAT policy, so it sees the node port before kube-proxy rewrites it.
import { NodePortGuard } from "../../components/node-port-guard.js";
import { Peer } from "../../components/peer.js";
import { UserError, type Problem } from "../../src/model/problem.js";
import { EXTERNALS, external } from "../externals.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "security",
  name: "node-port-guard",
  build(scope, { tier, settings }) {
    const ns = settings.northSouth;
    if (ns === undefined) return;
    const problems: Problem[] = [];
    const allowFrom: Peer[] = [];
    ns.allowFrom.forEach((entry, i) => {
      if (entry.includes("/")) {
        allowFrom.push(Peer.nets(entry));
        return;
      }
      const known = EXTERNALS.find((e) => e.name === entry);
      if (known === undefined) {
        problems.push({
          path: `calico-baseline:northSouth.allowFrom[${i}]`,
          value: entry,
          message: "names no external network",
          hint: `give a CIDR, or one of ${EXTERNALS.map((e) => e.name).join(", ")} (policies/externals.ts)`,
        });
        return;
      }
      allowFrom.push(external(known.name));
    });
    if (problems.length > 0) throw new UserError(problems, "northSouth.allowFrom");
    new NodePortGuard(scope, "NodePortGuard", { tier, nodePortRange: ns.nodePortRange, allowFrom });
  },
});
