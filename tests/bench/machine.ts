/** What a benchmark ran on, for the JSON next to its numbers. Node only. */
import os from 'node:os'

export interface MachineInfo {
  node: string
  platform: string
  arch: string
  cpus: number
  cpu_model: string
  memory_gb: number
  /** 1-minute load average when the suite started: above `cpus`, others competed for the CPU. */
  load_avg_1m_start: number
  load_avg_1m_end?: number
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus()
  return {
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    cpus: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    load_avg_1m_start: Number(os.loadavg()[0]!.toFixed(2)),
  }
}

/** The 1-minute load average now. */
export function loadAverage(): number {
  return Number(os.loadavg()[0]!.toFixed(2))
}
