/**
 * What a decision costs: measured CPU time of the classical parts (process CPU time, which other
 * processes on the machine do not inflate), the modelled QPU time of the quantum parts, and the
 * modelled queueing and propagation to wherever the computation runs. The statevector simulation
 * that stands in for the QPU is measured too but is never charged as latency or energy: a QPU
 * would replace it.
 *
 *   latency  = CPU + queue + round trip (+ QPU job overhead + shots × shot time for quantum work)
 *   energy   = CPU s × P_cpu + QPU s × P_qpu (the QPU's power includes its cryostat)
 */
import type { ScenarioConfig } from './config.js';

export interface DecisionCost {
  quantum: boolean;
  cpuMs: number;
  qpuMs: number;
  /** Statevector time spent standing in for the QPU (reported, never charged). */
  simMs: number;
  latencyMs: number;
  energyJ: number;
}

/** CPU milliseconds of this process since `start` (a process.cpuUsage() reading). */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Modelled QPU execution for `circuits` circuits of `shots` shots each. */
export function qpuMs(cfg: ScenarioConfig, circuits: number, shots = cfg.qpu.shots): number {
  return cfg.qpu.job_overhead_ms + (circuits * shots * cfg.qpu.shot_us) / 1000;
}

export function classicalCost(cfg: ScenarioConfig, cpuMs: number): DecisionCost {
  return { quantum: false, cpuMs, qpuMs: 0, simMs: 0, latencyMs: cpuMs + cfg.edge.queue_ms + cfg.edge.network_rtt_ms, energyJ: (cpuMs / 1000) * cfg.power.cpu_w };
}

export function quantumCost(cfg: ScenarioConfig, cpuMs: number, qpu: number, simMs: number): DecisionCost {
  return {
    quantum: true, cpuMs, qpuMs: qpu, simMs,
    latencyMs: cpuMs + qpu + cfg.qpu.queue_ms + cfg.qpu.network_rtt_ms,
    energyJ: (cpuMs / 1000) * cfg.power.cpu_w + (qpu / 1000) * cfg.power.qpu_w,
  };
}
