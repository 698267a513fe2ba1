/** For the local services' own CLIs: run until Ctrl-C / SIGTERM, then stop cleanly; a start error exits 1. */
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
