import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  formatDuration,
  formatMetric,
  formatRelativeTime,
  runDuration
} from '../format';

describe('formatDuration', () => {
  it('writes milliseconds under a second', () => {
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatDuration(850), '850ms');
  });

  it('writes tenths of seconds under a minute', () => {
    assert.equal(formatDuration(1000), '1.0s');
    assert.equal(formatDuration(12_345), '12.3s');
    assert.equal(formatDuration(59_940), '59.9s');
  });

  it('writes minutes and padded seconds under an hour', () => {
    assert.equal(formatDuration(60_000), '1m 00s');
    assert.equal(formatDuration(12 * 60_000 + 4_900), '12m 04s');
  });

  it('writes hours and padded minutes beyond', () => {
    assert.equal(formatDuration(3_600_000), '1h 00m');
    assert.equal(formatDuration(3 * 3_600_000 + 2 * 60_000 + 59_000), '3h 02m');
    assert.equal(formatDuration(30 * 3_600_000), '30h 00m');
  });

  it('writes nothing for a missing or negative duration', () => {
    assert.equal(formatDuration(null), '');
    assert.equal(formatDuration(-1), '');
  });
});

describe('runDuration', () => {
  it('is end minus start for a finished run', () => {
    assert.equal(runDuration(1_000, 4_500, 99_999), 3_500);
  });

  it('runs up to now while the run runs', () => {
    assert.equal(runDuration(1_000, null, 7_000), 6_000);
  });

  it('is unknown without a start', () => {
    assert.equal(runDuration(null, 4_500, 7_000), null);
    assert.equal(runDuration(0, 4_500, 7_000), null);
  });
});

describe('formatRelativeTime', () => {
  const now = Date.UTC(2026, 0, 31, 12, 0, 0);
  const ago = (seconds: number) =>
    formatRelativeTime(now - seconds * 1000, now);

  it('says "just now" under 45 seconds, and for a clock slightly ahead', () => {
    assert.equal(ago(0), 'just now');
    assert.equal(ago(44), 'just now');
    assert.equal(ago(-30), 'just now');
  });

  it('rounds to minutes, hours and days', () => {
    assert.equal(ago(45), '1 min ago');
    assert.equal(ago(5 * 60), '5 min ago');
    assert.equal(ago(3600), '1 h ago');
    assert.equal(ago(3 * 3600 + 600), '3 h ago');
    assert.equal(ago(86_400), '1 d ago');
    assert.equal(ago(29 * 86_400), '29 d ago');
  });

  it('falls back to the date after thirty days', () => {
    const then = now - 31 * 86_400 * 1000;
    assert.equal(
      formatRelativeTime(then, now),
      new Date(then).toLocaleDateString()
    );
  });

  it('writes nothing without a time', () => {
    assert.equal(formatRelativeTime(null, now), '');
    assert.equal(formatRelativeTime(0, now), '');
  });
});

describe('formatMetric', () => {
  it('keeps six significant digits', () => {
    assert.equal(formatMetric(0.123456789), '0.123457');
    assert.equal(formatMetric(42), '42');
    assert.equal(formatMetric(-3.5), '-3.5');
    assert.equal(formatMetric(999_999.4), '999999');
  });

  it('switches to exponents for very large and very small values', () => {
    assert.equal(formatMetric(1_234_567), '1.235e+6');
    assert.equal(formatMetric(0.00001234), '1.234e-5');
    assert.equal(formatMetric(-2e9), '-2.000e+9');
    assert.equal(formatMetric(0), '0');
    assert.equal(formatMetric(0.0001), '0.0001');
  });

  it('writes the values JSON cannot carry as numbers', () => {
    assert.equal(formatMetric('NaN'), 'NaN');
    assert.equal(formatMetric('Infinity'), 'Infinity');
    assert.equal(formatMetric('-Infinity'), '-Infinity');
  });

  it('writes nothing for a run without the metric', () => {
    assert.equal(formatMetric(undefined), '');
  });
});
