import { MedSamError } from '../pipeline/errors';

/** An input image that cannot be read: the message names the file (when known) and what is wrong. */
export function imageError(message: string): MedSamError {
  return new MedSamError('BAD_IMAGE', message);
}
