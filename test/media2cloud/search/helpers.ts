import { BadRequestError } from '../../../lambdas/shared/http/errors';

/** Asserts that `act` fails as a 400 with exactly `message`. */
export function expectBadRequest(act: () => unknown, message: string): void {
  let caught: unknown;
  try {
    act();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(BadRequestError);
  expect((caught as BadRequestError).message).toBe(message);
  expect((caught as BadRequestError).statusCode).toBe(400);
}
