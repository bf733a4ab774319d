import { isCalendarDate, isTimestamp, textLength } from './text';

describe('textLength counts code points, as PostgreSQL length() does', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 1],
    ['e\u0301', 2],
    ['a\uFE0F', 2],
    ['🗳️', 2],
    ['😀', 1],
    ['🇳🇱', 2],
    ['👨‍👩‍👧', 5],
    ['שלום', 4],
    ['\u202Eabc', 4],
  ])('%j is %i long', (text, length) => {
    expect(textLength(text)).toBe(length);
  });
});

describe('dates and instants the hub accepts', () => {
  it.each([
    ['2026-03-18', true],
    ['1900-01-01', true],
    ['2200-12-31', true],
    ['1899-12-31', false],
    ['2201-01-01', false],
    ['0000-01-01', false],
    ['9999-12-31', false],
    ['2025-02-30', false],
    ['2024-02-29', true],
    ['2025-2-3', false],
    ['20250203', false],
  ])('calendar date %s: %s', (value, ok) => {
    expect(isCalendarDate(value)).toBe(ok);
  });

  it.each([
    ['2026-03-18T09:30:00Z', true],
    ['2026-03-18T09:30:00.123456789+01:00', true],
    ['2026-03-18T09:30', true],
    ['2026-03-18', true],
    ['1900-01-01T00:00:00Z', true],
    ['1900-01-01T00:30:00+01:00', false],
    ['2200-12-31T23:59:59Z', true],
    ['2200-12-31T23:00:00-14:00', false],
    ['9999-12-31T23:00:00-14:00', false],
    ['0000-01-01T00:00:00Z', false],
    ['2025-13-01T00:00:00Z', false],
    ['2025-01-01T24:00:00Z', false],
    ['2016-12-31T23:59:60Z', false],
    ['2025-01-01T10:00:00,5Z', false],
    ['2025-W01-1', false],
    ['+2025-01-01', false],
  ])('timestamp %s: %s', (value, ok) => {
    expect(isTimestamp(value)).toBe(ok);
  });
});
