import { describe, expect, it } from 'vitest';
import { columnOf, normalizeHeader, splitCsvLine } from '../../../streams/text/csv.js';

const split = (line: string) => splitCsvLine(line, 0, line.length);

describe('splitCsvLine', () => {
  it('splits plain fields and trims them', () => {
    expect(split('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(split('a,,')).toEqual(['a', '', '']);
  });

  it('reads quoted fields with commas and doubled quotes', () => {
    expect(split('"a,b","say ""hi""",c')).toEqual(['a,b', 'say "hi"', 'c']);
    expect(split(' "x" , y')).toEqual(['x', 'y']);
  });

  it('returns null for an unterminated quote or text after a closing quote', () => {
    expect(split('"abc,d')).toBeNull();
    expect(split('"a"b,c')).toBeNull();
  });

  it('maps headers case-insensitively, ignoring a byte-order mark', () => {
    const header = normalizeHeader(['\ufeffTimestamp', ' Bid', 'ASK']);
    expect(header).toEqual(['timestamp', 'bid', 'ask']);
    expect(columnOf(header, 'time', 'timestamp')).toBe(0);
    expect(columnOf(header, 'volume')).toBe(-1);
  });
});
