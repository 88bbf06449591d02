/**
 * FME Flow (an ETL product) as an AppConnections example. Its pods:
 * - `core`: the web UI and job scheduler; sends jobs to the queue and the engines;
 * - `queue`: Redis; accepts TCP 6379 from core only and sends nothing (no egress at all);
 * - `engine`: runs the jobs; accepts TCP 7500, 7501 and 4500-4800 from core, and connects only to the
 *   database (TCP 5432) and the file share (TCP 445).
 *
 * Each connection is declared once and written on both ends (egress on the client, ingress on the server).
 */
import { Construct } from "constructs";
import { AppConnections, type AppWorkload } from "../../components/app-connections.js";
import type { Peer } from "../../components/peer.js";
import { Port } from "../../components/port.js";
import type { Tier } from "../../components/tier.js";
import { sel } from "../../src/model/selector/index.js";

/** Pod label the example's workloads carry: `app: fme-core`, `app: fme-queue`, `app: fme-engine`. */
export const FME_APP_LABEL = "app";

export const REDIS = Port.tcp(6379);
export const ENGINE_PORTS: readonly Port[] = [Port.tcp(7500), Port.tcp(7501), Port.tcpRange(4500, 4800)];
export const POSTGRES = Port.tcp(5432);
export const SMB = Port.tcp(445);

export interface FmeFlowProps {
  readonly tier: Tier;
  /** @default "fme" */
  readonly namespace?: string;
  /** The job database (PostgreSQL). */
  readonly database: Peer;
  /** The file share (SMB). */
  readonly fileShare: Peer;
  /** @default 100 */
  readonly order?: number;
}

export class FmeFlow extends Construct {
  readonly core: AppWorkload;
  readonly queue: AppWorkload;
  readonly engine: AppWorkload;

  constructor(scope: Construct, id: string, props: FmeFlowProps) {
    super(scope, id);
    const app = new AppConnections(this, "Connections", {
      tier: props.tier,
      namespace: props.namespace ?? "fme",
      order: props.order,
    });
    this.core = app.workload("core", { selector: sel.eq(FME_APP_LABEL, "fme-core") });
    this.queue = app.workload("queue", {
      selector: sel.eq(FME_APP_LABEL, "fme-queue"),
      isolateIngress: true,
      isolateEgress: true,
    });
    this.engine = app.workload("engine", {
      selector: sel.eq(FME_APP_LABEL, "fme-engine"),
      isolateIngress: true,
      isolateEgress: true,
    });

    this.core.allowTo(this.queue, REDIS);
    this.core.allowTo(this.engine, ...ENGINE_PORTS);
    this.engine.allowTo(props.database, POSTGRES);
    this.engine.allowTo(props.fileShare, SMB);
  }
}
