/**
 * CPU time, the measure of work that a shared machine does not distort (wall time grows with the
 * other processes' load; CPU time does not). Process time covers every thread of the process;
 * thread time (Linux: /proc/thread-self/stat, 10 ms ticks) covers the calling thread alone, so a
 * worker thread can time its own share of a parallel step.
 */
import fs from 'node:fs';

/** CPU seconds (user + system) of the whole process so far, all threads included. */
export function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

let threadStat: boolean | null = null;

/**
 * CPU seconds of the calling thread so far; where the system does not say (not Linux), the
 * process's (exact when the process runs one busy thread).
 */
export function threadCpuSeconds(): number {
  if (threadStat !== false) {
    try {
      const s = fs.readFileSync('/proc/thread-self/stat', 'utf8');
      // Fields after the parenthesised command name: state is field 3, utime 14, stime 15 (clock ticks).
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      threadStat = true;
      return (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      threadStat = false;
    }
  }
  return processCpuSeconds();
}
