// Named steps of a scenario test: a timeline whose steps build on each other's state is one
// test (jest may then run tests in any order), and a failure still says which step broke.

/** Runs `fn` as the step `name`; a failure's message (and stack) is prefixed with the step. */
export async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Error) {
      const prefix = `step "${name}": `;
      if (err.stack?.startsWith(`${err.name}: ${err.message}`)) err.stack = err.stack.replace(err.message, prefix + err.message);
      err.message = prefix + err.message;
    }
    throw err;
  }
}
