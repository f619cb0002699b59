import { formatArea, formatBox, formatBytes, formatMs, formatProgress, formatWait, stageText } from './format';

describe('panel formatting', () => {
  it('bytes and download progress', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(375 * 1024 * 1024)).toBe('375 MB');
    expect(formatProgress(50 * 1024 * 1024, 200 * 1024 * 1024)).toBe('50.0 MB of 200 MB (25 %)');
    expect(formatProgress(1024)).toBe('1.0 KB');
  });

  it('durations, areas and boxes', () => {
    expect(formatMs(250.4)).toBe('250 ms');
    expect(formatMs(2500)).toBe('2.5 s');
    expect(formatMs(21000)).toBe('21 s');
    expect(formatArea(12.345)).toBe('12.3 mm²');
    expect(formatArea(1234)).toBe('1234 mm² (12.34 cm²)');
    expect(formatArea(null)).toMatch(/unknown/);
    expect(formatBox({ x0: 1.26, y0: 2, x1: 30, y1: 40.04 })).toBe('columns 1.3–30, rows 2–40');
    expect(stageText('encode')).toBe('Computing the image embedding');
  });
});

describe('formatWait', () => {
  it('lists the parts of the wait that took time, in order', () => {
    expect(formatWait({ read: 40, modelWait: 0, inference: 2100, draw: 90 })).toBe(`image ${formatMs(40)} · embedding + decoder ${formatMs(2100)} · drawing ${formatMs(90)}`);
    expect(formatWait({})).toBe('');
  });
});
