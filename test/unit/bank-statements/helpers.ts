/** Test helpers for the statement parsers (the iso20022 helpers give samples, chunking and collecting). */
import { Iso20022Error } from '../../../functions/iso20022/errors.js';

/** The Iso20022Error a promise rejects with (fails the test when it resolves or throws something else). */
export async function failure(p: Promise<unknown>): Promise<Iso20022Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Iso20022Error) return e;
    throw e;
  }
  throw new Error('expected an Iso20022Error');
}
