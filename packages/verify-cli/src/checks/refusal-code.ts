import type { JobError } from '@obs-automation/core';

/**
 * How a check reports a path or file the trust rules refused (resolveContainedPath,
 * openRegularFile): a path the file it came from may not name — outside the root or its folder,
 * through a link or not — is `path_not_allowed`; a file that is not a readable regular file
 * under its cap is `invalid_input`; a missing one takes the caller's code.
 */
export function refusalCode(error: JobError, missingCode: string): string {
  const reason = error.details.reason;
  if (reason === 'missing') return missingCode;
  if (reason === 'outside_root' || reason === 'not_allowed' || reason === 'invalid')
    return 'path_not_allowed';
  return 'invalid_input';
}
