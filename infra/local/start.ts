/**
 * `npm start`: the whole platform on this machine, data kept in .ansinh/data (delete it to start over).
 * Ctrl-C stops every child process; work left unfinished is picked up by the next start.
 */
import { DEMO_USERS } from './demo-users.js';
import { LocalPlatform } from './runtime.js';

const dataDir = process.env.ANSINH_DATA_DIR ?? '.ansinh/data';
const port = Number(process.env.PORT ?? 3000);

const log = (msg: string, extra?: Record<string, unknown>) =>
  console.log(`${new Date().toISOString()} ${msg}${extra ? ` ${JSON.stringify(extra)}` : ''}`);

const platform = new LocalPlatform({
  dataDir,
  ports: { http: port, dynamodb: Number(process.env.DYNAMODB_PORT ?? 8000) },
  log,
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: đang dừng / stopping…`);
  const force = setTimeout(() => process.exit(1), 15_000);
  await platform.stop().catch((err) => log('Stop failed', { error: String(err) }));
  clearTimeout(force);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await platform.start();
} catch (err) {
  // Ctrl-C while still starting (recovery work in progress) is a stop, not a failure: shutdown() exits.
  if (stopping) await new Promise(() => undefined);
  console.error(`Không khởi động được / could not start: ${(err as Error).message}`);
  await platform.stop().catch(() => undefined);
  process.exit(1);
}

const url = platform.url;
console.log(`
ansinh đang chạy / is running
  Bảng điều khiển / web console ${url}/
  API            ${url}/v1/health
  Dữ liệu / data ${dataDir}
  Định danh / identity provider ${platform.identityProvider.issuer}
  Tin nhắn đã gửi / messages sent ${platform.notifications.url}/

Lấy token thử / get a demo token:
  curl -s '${platform.identityProvider.issuer}/token?user=canbo.hcm'
Người dùng thử / demo users: ${DEMO_USERS.map((u) => `${u.username} (${u.role})`).join(', ')}

Ctrl-C để dừng / to stop.
`);
