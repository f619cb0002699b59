import { SegError } from './errors';
import { formatDS, formatIS, personName, sourceDate, sourceTime, text, toCodeString, uid } from './vr';

describe('formatDS', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [2.5, '2.5'],
    [-125.5, '-125.5'],
    [0.30000000000000004, '0.3'],
    [-72.199997, '-72.199997'],
    [1.2345678901234567e-7, '1.23456789012e-7'],
    [-1.2345678901234567e-7, '-1.2345678901e-7'],
    [123456789012345680, '1.23456789012e17'],
    [0.8660254037844387, '0.86602540378444'],
  ])('%p → %s (≤ 16 characters, same value as closely as fits)', (value, expected) => {
    const s = formatDS(value);
    expect(s).toBe(expected);
    expect(s.length).toBeLessThanOrEqual(16);
    expect(Math.abs(Number(s) - value)).toBeLessThanOrEqual(Math.abs(value) * 1e-9);
  });

  it('refuses non-finite numbers', () => {
    expect(() => formatDS(Number.NaN)).toThrow(SegError);
    expect(() => formatDS(Infinity)).toThrow(SegError);
  });

  it('keeps 16 significant characters for random values', () => {
    for (let i = 0; i < 2000; i++) {
      const v = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 20 - 10);
      const s = formatDS(v);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-8);
    }
  });
});

describe('text values', () => {
  it('refuses what dcmjs would truncate or split', () => {
    expect(text('x'.repeat(64), 'LO', 'label')).toHaveLength(64);
    expect(() => text('x'.repeat(65), 'LO', 'label')).toThrow(/longer than 64/);
    expect(() => text('a\\b', 'LO', 'label')).toThrow(/backslash/);
    expect(() => text('a\nb', 'LO', 'label')).toThrow(/control/);
    expect(text('line 1\r\nline 2', 'LT', 'params')).toContain('\n');
    expect(() => text('lower', 'CS', 'type')).toThrow(/upper-case/);
  });

  it('makes any content label a valid CS', () => {
    expect(toCodeString('medsam-test', 'X')).toBe('MEDSAM_TEST');
    expect(toCodeString('Leber: Läsion Nr. 12345', 'X')).toBe('LEBER_ L_SION NR');
    expect(toCodeString('***', 'X')).toBe('___');
    expect(toCodeString('  ', 'MEDSAM')).toBe('MEDSAM');
  });

  it('checks UIDs', () => {
    expect(uid('1.2.840.10008.5.1.4.1.1.66.4', 'x')).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(() => uid('1.02.3', 'x')).toThrow(SegError);
    expect(() => uid(`2.25.${'1'.repeat(60)}`, 'x')).toThrow(SegError);
    expect(() => uid('', 'x')).toThrow(SegError);
  });

  it('writes person names from DICOM JSON and strings', () => {
    expect(personName({ Alphabetic: 'Doe^Jane' }, 'n')).toBe('Doe^Jane');
    expect(personName([{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎' }], 'n')).toBe('Yamada^Tarou=山田^太郎');
    expect(personName('Doe^John', 'n')).toBe('Doe^John');
    expect(personName(undefined, 'n')).toBe('');
    // OHIF's metadata holds an empty PN as null, also inside a list.
    expect(personName(null as unknown as undefined, 'n')).toBe('');
    expect(personName([null] as unknown as [], 'n')).toBe('');
    expect(() => personName('a\\b', 'n')).toThrow(SegError);
  });

  it('copies well-formed source dates and times only', () => {
    expect(sourceDate('20240517')).toBe('20240517');
    expect(sourceDate('2024-05-17')).toBe('');
    expect(sourceTime('072730.123')).toBe('072730.123');
    expect(sourceTime('7:27')).toBe('');
    expect(formatIS(901, 'n')).toBe('901');
    expect(() => formatIS(1.5, 'n')).toThrow(SegError);
  });
});
