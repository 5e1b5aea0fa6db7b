/**
 * A throwaway PostgreSQL cluster for the tests and the bench: initdb into a temporary folder, listening
 * only on a unix socket in that folder, with durability off (the data dies with the folder anyway).
 *
 * PostgreSQL refuses to run as root, so as root initdb and pg_ctl run as the `postgres` user (or a
 * throwaway system user made for the purpose) through runuser. Where the binaries are missing and we
 * are root, Debian's `postgresql` package is installed first, and the log says so. Nothing is skipped:
 * when the cluster cannot start, the error says why.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface LocalPostgres {
  /** Superuser connection string to the `postgres` database, over the unix socket. */
  url: string;
  /** The connection string of another database in the same cluster. */
  urlOf(database: string): string;
  dir: string;
  stop(): void;
}

export interface LocalPostgresOptions {
  /** Where progress lines go (installing the package can take a minute). */
  say?: (line: string) => void;
  /** How long to wait for the server to accept connections (default 60 s). */
  timeoutMs?: number;
}

function binDir(): string | null {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromConfig.status === 0 && has(fromConfig.stdout.trim())) return fromConfig.stdout.trim();
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (has(join(root, v, 'bin'))) return join(root, v, 'bin');
  return null;
}

const isRoot = () => process.getuid?.() === 0;

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (r.status !== 0) {
    throw new Error(`${what} failed (${cmd} ${args.join(' ')}): ${(r.stderr || r.stdout || String(r.error ?? '')).trim()}`);
  }
  return r.stdout;
}

function installPostgres(say: (line: string) => void): void {
  say('PostgreSQL binaries not found: installing Debian\'s "postgresql" package (apt-get install -y postgresql) ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'postgresql']]) {
    const r = spawnSync('apt-get', args, { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed: ${(r.stderr || String(r.error ?? '')).trim()}`);
  }
}

/** The user that runs the server: `postgres`, or a system user made now (and removed at stop). */
function serverUser(): { name: string; uid: number; gid: number; made: boolean } {
  const lookup = (name: string) => {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (r.status !== 0) return null;
    const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
    return { uid: Number(r.stdout.trim()), gid };
  };
  const pgUser = lookup('postgres');
  if (pgUser) return { name: 'postgres', ...pgUser, made: false };
  const name = `emergence-pg-${process.pid}`;
  run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], 'creating a system user for PostgreSQL');
  const made = lookup(name);
  if (!made) throw new Error(`user ${name} was created but cannot be found`);
  return { name, ...made, made: true };
}

const PORT = 5432;

export async function startLocalPostgres(opts: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const say = opts.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  let bin = binDir();
  if (!bin && isRoot()) {
    installPostgres(say);
    bin = binDir();
  }
  if (!bin) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) were not found (pg_config --bindir, /usr/lib/postgresql/*/bin). ' +
        'Install them (Debian/Ubuntu: apt-get install postgresql) and run again.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'emergence-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const user = isRoot() ? serverUser() : null;
  // As root, the server's user must own the folder; runuser starts each binary as that user.
  const as = (cmd: string, args: string[]): [string, string[]] =>
    user ? ['runuser', ['-u', user.name, '--', cmd, ...args]] : [cmd, args];
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const cleanup = () => {
    rmSync(dir, { recursive: true, force: true });
    if (user?.made) spawnSync('userdel', [user.name]);
  };
  try {
    run(...as(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']), 'initdb');
    const conf = join(data, 'postgresql.conf');
    writeFileSync(
      conf,
      readFileSync(conf, 'utf8') +
        [
          '',
          "listen_addresses = ''",
          `unix_socket_directories = '${dir}'`,
          `port = ${PORT}`,
          'fsync = off',
          'synchronous_commit = off',
          'full_page_writes = off',
          'max_connections = 300',
          '',
        ].join('\n'),
    );
    run(...as(join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-s', 'start']), 'pg_ctl start');
  } catch (e) {
    cleanup();
    throw e;
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(...as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-s', 'stop']));
    cleanup();
  };
  // The host part is a placeholder, for URL parsers; the `host` parameter (the socket folder) wins in pg.
  const urlOf = (database: string) => `postgres://postgres@localhost:${PORT}/${encodeURIComponent(database)}?host=${encodeURIComponent(dir)}`;
  const url = urlOf('postgres');
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      break;
    } catch (e) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '(no server log)';
        stop();
        throw new Error(`PostgreSQL did not accept connections within ${opts.timeoutMs ?? 60_000} ms: ${String(e)}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, urlOf, dir, stop };
}

/** Makes an empty database in the cluster at `adminUrl` (the `postgres` database). */
export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

/** Drops a database, closing any connection still open to it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
