/** The CLI's argument handling and exit codes that need no platform: help, usage, sign-in and reachability. */
import { describe, expect, it } from '@jest/globals';
import { EXIT } from '../../../cli/main.js';
import { runCli } from '../../support/cli.js';

describe('ansinh CLI arguments', () => {
  it('prints help (exit 0) and treats no command as usage (exit 2)', async () => {
    const help = await runCli(['help']);
    expect(help.code).toBe(EXIT.OK);
    expect(help.out).toContain('Exit codes');
    expect((await runCli([])).code).toBe(EXIT.USAGE);
  });

  it('unknown options and commands are usage errors (exit 2)', async () => {
    expect((await runCli(['--bogus'])).code).toBe(EXIT.USAGE);
    expect((await runCli(['frobnicate'], { ANSINH_TOKEN: 'a.b.c' })).code).toBe(EXIT.USAGE);
    expect((await runCli(['cycles', 'create', '2026-13'], { ANSINH_TOKEN: 'a.b.c' })).code).toBe(EXIT.USAGE);
    expect((await runCli(['cycles', 'show', '2026-01'], { ANSINH_TOKEN: 'a.b.c' })).code).toBe(EXIT.USAGE); // no jurisdiction
    for (const limit of ['0', '101', 'ten']) {
      expect((await runCli(['cycles', 'ls', '--limit', limit], { ANSINH_TOKEN: 'a.b.c' })).code).toBe(EXIT.USAGE);
    }
  });

  it('without a token is exit 3, with the message in the chosen language', async () => {
    const r = await runCli(['lists', 'show', 'bl-x', '--lang', 'en']);
    expect(r.code).toBe(EXIT.AUTH);
    expect(r.err).toContain('Not signed in');
  });

  it('an API that cannot be reached is exit 10', async () => {
    const r = await runCli(['lists', 'show', 'bl-x'], { ANSINH_TOKEN: 'a.b.c', ANSINH_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(EXIT.UNREACHABLE);
  });

  it('a missing upload file is a usage error, before any request', async () => {
    const r = await runCli(['lists', 'upload', '/nonexistent/danh-sach.csv'], {
      ANSINH_TOKEN: 'a.b.c',
      ANSINH_URL: 'http://127.0.0.1:9',
    });
    expect(r.code).toBe(EXIT.USAGE);
  });
});
