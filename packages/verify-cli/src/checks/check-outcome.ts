export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckFailure {
  check: string;
  error_code: string;
  message: string;
}

/** One check as reported: `{name, status, details}` on stdout, its failures listed beside. */
export interface CheckOutcome {
  name: string;
  status: CheckStatus;
  details: Record<string, unknown>;
  failures: CheckFailure[];
}

/** Collects the failures of one check and reports it as pass or fail. */
export class CheckBuilder {
  readonly failures: CheckFailure[] = [];

  constructor(readonly name: string) {}

  fail(errorCode: string, message: string): void {
    this.failures.push({ check: this.name, error_code: errorCode, message });
  }

  done(details: Record<string, unknown>): CheckOutcome {
    return {
      name: this.name,
      status: this.failures.length > 0 ? 'fail' : 'pass',
      details,
      failures: this.failures,
    };
  }
}

export function skippedCheck(
  name: string,
  reason: string,
  details: Record<string, unknown> = {},
): CheckOutcome {
  return { name, status: 'skip', details: { reason, ...details }, failures: [] };
}
