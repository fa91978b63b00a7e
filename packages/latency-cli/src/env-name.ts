import { z } from 'zod';

/** The name of an environment variable holding a secret (the value itself never goes in a config). */
export const envNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, _)');
