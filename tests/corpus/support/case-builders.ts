import type { CorpusCase } from './corpus-case.js';
import { type MessageExpectation, namesFlag } from './message-expectation.js';

/** A config file the job must refuse before doing anything: exit 2, the message names the key. */
export function invalidConfig(
  name: string,
  file: string,
  yaml: string | Buffer,
  message: MessageExpectation,
): CorpusCase {
  return { name, files: { [file]: yaml }, exit: 2, status: 'error', errorCode: 'invalid_config', message };
}

/** A command line the job must refuse: exit 2, the message names the flag. */
export function invalidUsage(name: string, args: readonly string[], flag: string, now?: string): CorpusCase {
  return { name, args, now, exit: 2, status: 'error', errorCode: 'invalid_usage', message: namesFlag(flag) };
}
