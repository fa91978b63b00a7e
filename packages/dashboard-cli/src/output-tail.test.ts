import { describe, expect, it } from 'vitest';
import { OutputTail } from './output-tail.js';

describe('OutputTail', () => {
  it('keeps only the last bytes across chunks', () => {
    const tail = new OutputTail(8);
    for (const chunk of ['abcdef', 'ghij', 'klm']) tail.push(Buffer.from(chunk));
    expect(tail.text()).toBe('fghijklm');
  });

  it('keeps everything below the limit', () => {
    const tail = new OutputTail(2048);
    tail.push(Buffer.from('uploaded 4 files\n'));
    expect(tail.text()).toBe('uploaded 4 files\n');
  });

  it('drops a multi-byte character cut at the start', () => {
    const tail = new OutputTail(4);
    tail.push(Buffer.from('xé1234'.slice(0, 2)));
    tail.push(Buffer.from('abc'));
    expect(tail.text()).toBe('abc');
  });
});
