/** For the local services' own CLIs: integer options, and running until Ctrl-C / SIGTERM, then stopping cleanly. */
export function serveUntilSignal(start: () => Promise<{ stop(): Promise<void> }>): void {
  start().then(
    (service) => {
      const stop = () => {
        service.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}

/** A non-negative integer command-line option, or the fallback when absent. */
export function intOption(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}
