/**
 * Opens a store in a process of its own and prints the outcome as one JSON line: the health tests
 * run it as an unprivileged user, since root can write to a read-only file.
 */
import { Store } from '../../src/storage/store.ts';

try {
  const s = await Store.open(process.argv[2]!);
  await s.close();
  process.stdout.write(JSON.stringify({ ok: true }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, name: (e as Error).name, message: (e as Error).message }) + '\n');
}
