#!/usr/bin/env node
// `npx ansinh …`: runs cli/main.ts through tsx (the project runs TypeScript without a build step).
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
