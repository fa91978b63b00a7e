// Loaded with `node --import` into a process under test: counts every successful open of a file
// for reading, by absolute path, and writes the counts as JSON to the file OBS_TEST_OPEN_COUNTS
// names when the process exits. Opens for writing or appending, and of missing files, are not
// counted.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';

const target = process.env.OBS_TEST_OPEN_COUNTS;
const counts = {};

function readOnly(flags) {
  if (flags === undefined || flags === null) return true;
  if (typeof flags === 'string') return flags === 'r' || flags === 'rs' || flags === 'sr';
  return (flags & 3) === fs.constants.O_RDONLY;
}

function counted(original, flagsOf) {
  return function countedOpen(path, ...rest) {
    const named = typeof path === 'string' || path instanceof URL || Buffer.isBuffer(path);
    if (!named || !readOnly(flagsOf(rest))) return original.call(this, path, ...rest);
    const key = resolve(path instanceof URL ? path.pathname : String(path));
    const count = () => {
      counts[key] = (counts[key] ?? 0) + 1;
    };
    const callback = rest.at(-1);
    if (typeof callback === 'function') {
      rest[rest.length - 1] = function countedCallback(error, ...results) {
        if (!error) count();
        return callback.call(this, error, ...results);
      };
      return original.call(this, path, ...rest);
    }
    const result = original.call(this, path, ...rest);
    if (result instanceof Promise) {
      return result.then((value) => {
        count();
        return value;
      });
    }
    count();
    return result;
  };
}

const optionFlags = (rest) => (typeof rest[0] === 'object' && rest[0] !== null ? rest[0].flag : undefined);
if (target) {
  fs.open = counted(fs.open, (rest) => (typeof rest[0] === 'function' ? undefined : rest[0]));
  fs.openSync = counted(fs.openSync, (rest) => rest[0]);
  fs.readFileSync = counted(fs.readFileSync, optionFlags);
  fs.promises.open = counted(fs.promises.open, (rest) => rest[0]);
  fs.promises.readFile = counted(fs.promises.readFile, optionFlags);
  syncBuiltinESMExports();
  process.on('exit', () => fs.writeFileSync(target, JSON.stringify(counts)));
}
