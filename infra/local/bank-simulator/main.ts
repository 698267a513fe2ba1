/**
 * The local bank simulator on its own:
 *   node --import tsx infra/local/bank-simulator/main.ts --port 3200 \
 *     --callback-url http://127.0.0.1:3000/v1/bank/callbacks --secret dev-secret [--processing-delay-ms 50]
 * Without --callback-url no callbacks are sent (statuses can still be queried). The secret can also come from
 * the BANK_CALLBACK_SECRET environment variable.
 */
import { parseArgs } from 'node:util';
import { intOption, serveUntilSignal } from '../service-cli.js';
import { startBankSimulator } from './simulator.js';

async function main(): Promise<{ stop(): Promise<void> }> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'callback-url': { type: 'string' },
      secret: { type: 'string' },
      'processing-delay-ms': { type: 'string' },
    },
    strict: true,
  });
  const secret = values.secret ?? process.env.BANK_CALLBACK_SECRET;
  if (!secret) throw new Error('--secret (or BANK_CALLBACK_SECRET) is required: callbacks are signed with it');
  const callbackUrl = values['callback-url'];
  if (callbackUrl !== undefined) new URL(callbackUrl); // fails early on a malformed URL
  const bank = await startBankSimulator({
    port: intOption('port', values.port, 3200),
    callbackSecret: secret,
    processingDelayMs: intOption('processing-delay-ms', values['processing-delay-ms'], 50),
    ...(callbackUrl ? { callbackUrl } : {}),
  });
  console.log(
    `Bank simulator on ${bank.url} (POST /iso20022/pain.001, GET /iso20022/payments/{e2e}, /iso20022/messages/{MsgId}, ` +
      `/iso20022/camt.053?date=, /iso20022/camt.054?since=; control under /control/*); ` +
      `callbacks ${callbackUrl ? `to ${callbackUrl}` : 'disabled'}`,
  );
  return bank;
}

serveUntilSignal(main);
