import { config } from 'zod';

// Every module of ours that builds or runs a zod schema imports zod through this one, so the
// setting below holds before any parse, whichever chunk of a binary loads zod first. A process
// parses each schema about once: compiling zod's generated fast path for it (eval) costs more
// than the one parse it would speed up.
config({ jitless: true });

export * from 'zod';
