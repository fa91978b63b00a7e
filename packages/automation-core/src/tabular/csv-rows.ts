import type { Readable } from 'node:stream';
import { invalidInput } from '../input-errors.js';
import { csvRecords } from './csv-records.js';
import { CsvRow } from './csv-row.js';

export interface CsvReadOptions {
  /** root-relative path for messages */
  file: string;
  /** columns the header must name */
  required?: readonly string[];
  /**
   * Called for a row whose cell count differs from the header's, which is then skipped; without
   * it such a row is invalid input.
   */
  onInconsistentRow?: (line: number) => void;
  /** an empty file is a file without rows (its writer has not written the header yet), not invalid */
  emptyHasNoRows?: boolean;
  /** sees every chunk of the file as read, so that a checksum can be taken in the same pass */
  onBytes?: (chunk: Buffer) => void;
}

/**
 * Streams the rows of a CSV input whose first line is a header naming the columns (extra and
 * reordered columns are fine). An empty file, a header without a required column, and a row
 * whose cell count differs from the header's are `invalid_input` naming the file and line.
 */
export async function* readCsvRows(source: Readable, options: CsvReadOptions): AsyncGenerator<CsvRow> {
  const { file } = options;
  let columns: Map<string, number> | undefined;
  let width = 0;
  for await (const batch of csvRecords(source, file, options.onBytes)) {
    for (const { line, cells } of batch) {
      if (!columns) {
        columns = headerColumns(cells, options);
        width = cells.length;
        continue;
      }
      if (cells.length !== width) {
        if (options.onInconsistentRow) {
          options.onInconsistentRow(line);
          continue;
        }
        throw invalidInput(
          { file, line },
          `expected ${width} columns as in the header, found ${cells.length}`,
        );
      }
      yield new CsvRow(file, line, columns, cells);
    }
  }
  if (!columns && !options.emptyHasNoRows)
    throw invalidInput({ file, line: 1 }, 'empty file: expected a header line');
}

function headerColumns(header: readonly string[], options: CsvReadOptions): Map<string, number> {
  const columns = new Map<string, number>();
  header.forEach((name, index) => {
    const trimmed = name.trim();
    if (trimmed !== '' && !columns.has(trimmed)) columns.set(trimmed, index);
  });
  const absent = (options.required ?? []).filter((name) => !columns.has(name));
  if (absent.length > 0) {
    throw invalidInput(
      { file: options.file, line: 1 },
      `header lacks column${absent.length === 1 ? '' : 's'} ${absent.join(', ')}`,
      { missing_columns: absent },
    );
  }
  return columns;
}
