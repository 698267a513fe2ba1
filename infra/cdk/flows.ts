/**
 * What each operations dashboard shows, derived from the definition: a flow's queues and state machines name
 * it (`flow:` in infra/system.ts); its functions are those around them — the state machines' tasks and
 * starters, the queues' senders and consumers — and the few scheduled sweeps that name a flow themselves. The API view is every route with the function behind it.
 * Pure: no CDK here, so the derivation is unit-tested without a synth.
 */
import { FLOWS, type FlowId, type RouteDef, type SystemDef } from '../system-model.js';

export interface FlowView {
  queues: string[];
  stateMachines: string[];
  functions: string[];
  /** Declared function alarms (`functionId/metric`) of the flow's functions. */
  functionAlarms: { functionId: string; metric: string }[];
}

export interface ApiView {
  /** Routes grouped by the capability (functions/ folder) of their function, in definition order. */
  byCapability: Map<string, RouteDef[]>;
}

const capability = (sys: SystemDef, fid: string) => sys.functions[fid]?.entry.split('/')[1] ?? fid;

export function flowsOf(sys: SystemDef): Record<FlowId, FlowView> {
  const views = Object.fromEntries(
    FLOWS.map((flow) => {
      const queues = Object.entries(sys.queues)
        .filter(([, q]) => q.flow === flow)
        .map(([id]) => id);
      const stateMachines = Object.entries(sys.stateMachines)
        .filter(([, sm]) => sm.flow === flow)
        .map(([id]) => id);
      const tasks = new Set(stateMachines.flatMap((sid) => Object.values(sys.stateMachines[sid]?.functions ?? {})));
      const functions = Object.entries(sys.functions)
        .filter(([fid, def]) => {
          if (def.uses?.describeAll) return false; // the health check touches everything and belongs to no flow
          const usesQueue = Object.keys(def.uses?.queues ?? {}).some((q) => queues.includes(q));
          const triggered = (def.triggers ?? []).some((t) => t.kind === 'queue' && queues.includes(t.queue));
          const usesMachine = Object.keys(def.uses?.stateMachines ?? {}).some((s) => stateMachines.includes(s));
          return def.flow === flow || tasks.has(fid) || usesQueue || triggered || usesMachine;
        })
        .map(([fid]) => fid);
      const functionAlarms = functions.flatMap((fid) =>
        (sys.functions[fid]?.alarms ?? []).map((a) => ({ functionId: fid, metric: a.metric })),
      );
      return [flow, { queues, stateMachines, functions, functionAlarms }];
    }),
  ) as Record<FlowId, FlowView>;
  return views;
}

export function apiViewOf(sys: SystemDef): ApiView {
  const byCapability = new Map<string, RouteDef[]>();
  for (const r of sys.routes) {
    const cap = capability(sys, r.function);
    byCapability.set(cap, [...(byCapability.get(cap) ?? []), r]);
  }
  return { byCapability };
}
