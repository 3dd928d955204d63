import { ServiceRefusal } from '../domain/errors';

/** Rekognition's answers to the caller's request (collections, faces, projects), with the status each stands for. */
const REFUSALS: Readonly<Record<string, number>> = {
  InvalidParameterException: 400,
  InvalidImageFormatException: 400,
  ImageTooLargeException: 400,
  InvalidPaginationTokenException: 400,
  LimitExceededException: 400,
  ServiceQuotaExceededException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ResourceAlreadyExistsException: 409,
};

/** Runs a Rekognition call, turning the service's refusals of the request into `ServiceRefusal`s with their status. */
export async function refusals<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const { name, message } = error as Error;
    const status = REFUSALS[name];
    if (status !== undefined) throw new ServiceRefusal(name, message, status);
    throw error;
  }
}
