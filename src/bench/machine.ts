import os from 'node:os';

/** What the figures were measured on, for the report line. */
export function machine(): { date: string; machine: string; loadavg: number[] } {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    machine: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
