/** Runs the CLI in-process with a given environment and captures what it prints, without a terminal. */
import { run } from '../../cli/main.js';

export async function runCli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await run(args, {
    env,
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    tty: false,
  });
  return { code, out, err };
}
