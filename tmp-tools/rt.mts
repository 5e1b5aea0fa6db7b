import { startLocalPostgres } from '/work/wt/lead/src/storage/local-postgres.ts';
import pg from 'pg';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
function serverCpuMs(dir: string): number {
  const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string; try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    if (pid !== postmaster && Number(f[1]) !== postmaster) continue;
    total += Number(f[11]) + Number(f[12]) + (pid === postmaster ? Number(f[13]) + Number(f[14]) : 0);
  }
  return total * 10;
}
const server = await startLocalPostgres({ say: () => undefined });
const c = new pg.Client({ connectionString: server.url }); await c.connect();
for (const [name, q, vals] of [['simple', 'SELECT 1', undefined], ['param', 'SELECT $1::int', [1]], ['begin', 'BEGIN', undefined], ['commit', 'COMMIT', undefined], ['lock', 'SELECT pg_advisory_xact_lock(hashtext($1))', ['x']]] as const) {
  const n = 5000; const s0 = serverCpuMs(server.dir); const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await c.query(q, vals as any);
  const t = performance.now() - t0; const cpu = process.cpuUsage(c0); const s1 = serverCpuMs(server.dir);
  console.log(name, 'wall us', (t * 1000 / n).toFixed(0), 'client cpu us', ((cpu.user + cpu.system) / n).toFixed(0), 'server cpu us', ((s1 - s0) * 1000 / n).toFixed(0));
}
await c.end(); server.stop();
