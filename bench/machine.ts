import { readdirSync, readFileSync } from 'node:fs';
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
  /** CPU seconds of this process and its descendants (the ppl runs, tsx's esbuild). */
  readonly ours: number;
  readonly load1: number;
}

/** pid, ppid and CPU seconds (own + waited-for children) of one process, from /proc/PID/stat. */
function procStat(pid: string): { pid: number; ppid: number; seconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (which may hold spaces, hence the last ')'): state, ppid, ..., utime is the 12th, then stime, cutime, cstime.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return { pid: Number(pid), ppid: f[1], seconds: (f[11] + f[12] + f[13] + f[14]) / TICKS_PER_SECOND };
  } catch {
    return undefined; // the process ended while we looked
  }
}

/**
 * CPU seconds of this process and all its descendants: the ppl runs it waited for are in its own
 * stat, and live ones (tsx's esbuild service) are found by walking /proc's parent links.
 */
function ourCpuSeconds(): number {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(procStat).filter((p) => p !== undefined);
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seconds = new Map(all.map((p) => [p.pid, p.seconds]));
  let total = 0;
  const stack = [process.pid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += seconds.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

function snapshot(): CpuSnapshot | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: all but idle and iowait is work.
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    const busy = (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
    return { wallMs: performance.now(), busy, ours: ourCpuSeconds(), load1: loadavg()[0] };
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
 * /proc/stat minus ours (this process and its descendants). On a shared
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
