import { runFleet } from './src/bench/fleet-bench.ts';
import { REAL_LATENCIES, scaled } from './src/bench/floors.ts';
const r = await runFleet({ redisUrl: 'redis://127.0.0.1:6379', n: 200, latencies: scaled(REAL_LATENCIES, 5), apiRate: 100, concurrency: 50, nodeFlags: [], log: (s) => console.error(s) });
console.log(JSON.stringify({ rss: r.workerRssMb, ratio: r.fleetRatio, failures: r.failures }));
process.exit(0);
