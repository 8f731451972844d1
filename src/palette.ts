/**
 * One colour per run, the same rule as the notebook views (`jupyterlab_tracker/views/
 * palette.py`, `run_colors`): a colour of RUN_PALETTE starting from the CRC-32 of the run
 * id, the next free colour when two runs of one view collide (while fewer than ten are
 * taken).
 */

/**
 * Vega's category10 hues, each at a lightness that keeps it at least 3:1 (WCAG's ratio
 * for lines and marks) against both JupyterLab themes' chart and panel backgrounds:
 * white, and #111 / #212121 (`src/__tests__/palette.test.ts` checks the ratios).
 */
export const RUN_PALETTE = [
  '#207bb9',
  '#d86500',
  '#299429',
  '#d92f30',
  '#9568bd',
  '#9b6053',
  '#dc55b3',
  '#7e7e7e',
  '#888819',
  '#118e9b'
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
    let slot = crc32(runId) % RUN_PALETTE.length;
    if (taken.size < RUN_PALETTE.length) {
      while (taken.has(slot)) {
        slot = (slot + 1) % RUN_PALETTE.length;
      }
    }
    taken.add(slot);
    colors.set(runId, RUN_PALETTE[slot]);
  }
  return colors;
}
