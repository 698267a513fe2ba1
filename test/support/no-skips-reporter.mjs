// Fails the run when any test was skipped or left as a todo: a test whose data or tool is missing must fail
// and say what to install, never pass by not running. Jest exits non-zero when a reporter returns an error.
export default class NoSkipsReporter {
  #error;

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests;
    const todo = results.numTodoTests;
    if (skipped === 0 && todo === 0) return;
    const names = results.testResults.flatMap((file) =>
      file.testResults
        .filter((t) => t.status === 'pending' || t.status === 'todo')
        .map((t) => `  ${t.status}: ${t.fullName} (${file.testFilePath})`),
    );
    const message = `${skipped} skipped and ${todo} todo test(s); none may skip:\n${names.join('\n')}`;
    process.stderr.write(`\n${message}\n`);
    this.#error = new Error(message);
  }

  getLastError() {
    return this.#error;
  }
}
