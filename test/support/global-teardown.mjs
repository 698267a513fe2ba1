export default async function globalTeardown() {
  await globalThis.__ANSINH_DDB__?.stop();
}
