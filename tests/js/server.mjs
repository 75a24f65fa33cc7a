// Starts ddb-local on a free port and resolves to its endpoint (shared by the JS test files).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { before, after } from 'node:test';

export const BIN = process.env.DDB_LOCAL_BIN || new URL('../../build/ddb-local', import.meta.url).pathname;

export async function startDdbLocal(args = []) {
  const proc = spawn(BIN, ['-inMemory', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: proc.stdout });
  const endpoint = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('ddb-local did not start')), 10000);
    rl.on('line', (line) => {
      const m = line.match(/^Listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
  });
  return { proc, endpoint };
}

// The test credentials (ddb-local checks no signature unless started with --credentials).
export const CREDS = { accessKeyId: 'dummy', secretAccessKey: 'dummy' };

// Starts ddb-local before a test file's tests and stops it after them; `server.endpoint` is its URL.
export function ddbLocalForTests(args = []) {
  const server = { endpoint: null, proc: null };
  before(async () => { Object.assign(server, await startDdbLocal(args)); });
  after(() => server.proc.kill('SIGTERM'));
  return server;
}
