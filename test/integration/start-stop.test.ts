/**
 * `npm start` as a user runs it: comes up with every component, and leaves no Java process behind,
 * whether stopped with Ctrl-C or killed outright.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../../infra/local/free-port.js';
import { REPO_ROOT } from '../../infra/local/runtime.js';
import { eventually } from '../support/platform.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The JVM (and, with `guard`, its shell guard too) serving DynamoDB Local on this port. */
function javaPids(dynamodbPort: number, guard = false): number[] {
  const pattern = `${guard ? '' : '^\\S*java '}.*DynamoDBLocal.jar -port ${dynamodbPort} `;
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function spawnStart(port: number, dynamodbPort: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ansinh-start-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), DYNAMODB_PORT: String(dynamodbPort), ANSINH_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function startPlatform() {
  const port = await freePort();
  const dynamodbPort = await freePort();
  const { child, exited, output } = spawnStart(port, dynamodbPort);
  const up = eventually(async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/health`);
      return res.status === 200 ? ((await res.json()) as { status: string }) : undefined;
    } catch {
      return undefined;
    }
  }, 90_000);
  // A start that fails says so at once with the platform's own message, rather than after the whole wait.
  const died = exited.then((code) => {
    throw new Error(`npm start exited (${code}) before it was up:\n${output()}`);
  });
  const health = await Promise.race([up, died]).catch((err: Error) => {
    throw new Error(`${err.message}\n${output()}`);
  });
  died.catch(() => undefined);
  return { child, exited, dynamodbPort, health, output };
}

describe('npm start', () => {
  it('serves health with every component up and stops every child on Ctrl-C', async () => {
    const run = await startPlatform();
    expect(run.health.status).toBe('up');
    expect(javaPids(run.dynamodbPort)).toHaveLength(1);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    await eventually(async () => (javaPids(run.dynamodbPort, true).length === 0 ? true : undefined), 10_000);
  }, 120_000);

  it('a start that cannot finish exits 1 at once with its own message and leaves nothing running', async () => {
    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok));
    try {
      const port = (taken.address() as AddressInfo).port;
      const dynamodbPort = await freePort();
      const started = Date.now();
      const run = spawnStart(port, dynamodbPort);
      expect(await run.exited).toBe(1);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(run.output()).toContain('Không khởi động được / could not start');
      expect(run.output()).toContain('EADDRINUSE');
      expect(javaPids(dynamodbPort, true)).toEqual([]);
    } finally {
      await new Promise((ok) => taken.close(ok));
    }
  }, 90_000);

  it('leaves no orphan Java even when killed with SIGKILL', async () => {
    const run = await startPlatform();
    expect(javaPids(run.dynamodbPort)).toHaveLength(1);
    run.child.kill('SIGKILL');
    await run.exited;
    await eventually(async () => (javaPids(run.dynamodbPort, true).length === 0 ? true : undefined), 15_000);
  }, 120_000);
});
