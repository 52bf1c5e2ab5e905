import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export interface MachineInfo {
  readonly date: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
}

/** The CPU model as /proc/cpuinfo names it (os.cpus() as a fallback off Linux). */
function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(): MachineInfo {
  return { date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', node: process.version, cpu: cpuModel(), cores: cpus().length };
}

/** USER_HZ: the unit of /proc/stat and /proc/self/stat times (100 on every Linux build that matters). */
const TICKS_PER_SECOND = 100;

interface CpuSnapshot {
  readonly wallMs: number;
  /** CPU seconds the whole machine spent busy (not idle, not waiting for I/O). */
  readonly busy: number;
  /** CPU seconds of this process and of the children it has waited for (the ppl runs). */
  readonly ours: number;
  readonly load1: number;
}

function snapshot(): CpuSnapshot | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: all but idle and iowait is work.
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    const busy = (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th, then stime, cutime, cstime.
    const self = readFileSync('/proc/self/stat', 'utf8');
    const f = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
    const ours = (f[11] + f[12] + f[13] + f[14]) / TICKS_PER_SECOND;
    return { wallMs: performance.now(), busy, ours, load1: loadavg()[0] };
  } catch {
    return undefined;
  }
}

export interface Interference {
  /** 1-minute load average when the bench started (before it did any work). */
  readonly loadAtStart: number;
  /** CPU seconds used by processes other than the bench and its children while it ran. */
  readonly othersCpuSeconds: number;
  readonly wallSeconds: number;
  /** othersCpuSeconds / wallSeconds: 1 means another process kept one core busy the whole time. */
  readonly othersCores: number;
}

/**
 * Watches how much CPU other processes use while the bench runs: the machine's busy time from
 * /proc/stat minus ours (this process and its waited-for children, from /proc/self/stat). On a shared
 * 2-core machine a colleague's test run shows up here, and the numbers should be read with it.
 */
export function watchInterference(): () => Interference | undefined {
  const start = snapshot();
  return () => {
    const end = snapshot();
    if (!start || !end) return undefined;
    const wallSeconds = (end.wallMs - start.wallMs) / 1000;
    const othersCpuSeconds = Math.max(0, end.busy - start.busy - (end.ours - start.ours));
    return { loadAtStart: start.load1, othersCpuSeconds, wallSeconds, othersCores: othersCpuSeconds / wallSeconds };
  };
}
