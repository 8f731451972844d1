/**
 * One colour per run, the same rule as the notebook views (`jupyterlab_tracker/views/
 * palette.py`, `run_colors`): Vega's category10, starting from the CRC-32 of the run id,
 * the next free colour when two runs of one view collide (while fewer than ten are taken).
 */
export const CATEGORY10 = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf'
];

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

/** zlib's CRC-32 of the UTF-8 bytes of `text` (Python's `zlib.crc32(text.encode())`). */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A colour for each run of one view, keyed by run id. */
export function runColors(runIds: string[]): Map<string, string> {
  const colors = new Map<string, string>();
  const taken = new Set<number>();
  for (const runId of runIds) {
    if (colors.has(runId)) {
      continue;
    }
    let slot = crc32(runId) % CATEGORY10.length;
    if (taken.size < CATEGORY10.length) {
      while (taken.has(slot)) {
        slot = (slot + 1) % CATEGORY10.length;
      }
    }
    taken.add(slot);
    colors.set(runId, CATEGORY10[slot]);
  }
  return colors;
}
