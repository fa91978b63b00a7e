// Loaded with `node --import` into a process under test: when the process exits, writes to the
// file OBS_TEST_ZOD_PROBE names whether zod was evaluated and with which settings. zod keeps its
// settings on globalThis.__zod_globalConfig from the moment it loads; the tests that use this
// probe also run a command that must load zod, so a zod that stopped doing so fails them.
import { writeFileSync } from 'node:fs';

const target = process.env.OBS_TEST_ZOD_PROBE;
process.on('exit', () => {
  const settings = globalThis.__zod_globalConfig;
  writeFileSync(
    target,
    JSON.stringify({ loaded: settings !== undefined, jitless: settings?.jitless ?? null }),
  );
});
