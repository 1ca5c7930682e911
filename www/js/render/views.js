// The one reader of the engine's views (Uint32Arrays of fixed-size records, engine/view.rs):
// every offset, shift and sentinel comes from `viewLayout()`, none is written here.

/**
 * A decoder for the views described by `L` (= viewLayout()). Record `i` of a view `w`:
 * cells: `cellState`, `cellFlags`, `cellLoc` (NONE if several or none), `cellResident`;
 * frames and slots: `owner` (a pid, or -1 if free), `vpn`, `flags`, `value` (frames);
 * blocks of frames: `blockUsed`, `blockDirty`, `blockReferenced`, `blockOwner` (-1: none), `blockFlags`.
 */
export function createViews(L) {
  const f = L.field;
  const stateMask = 2 ** f.flagShift - 1;
  const cw = L.cellWords, fw = L.frameWords, sw = L.slotWords, bw = L.blockWords;
  // A page number past 2^53 − 1 (64-bit spaces with small pages) is a BigInt, as in reports.
  const vpnAt = (w, o) => {
    const hi = w[o + f.vpnHi], lo = w[o + f.vpnLo], v = hi * 2 ** f.vpnHiShift + lo;
    return v <= Number.MAX_SAFE_INTEGER ? v : (BigInt(hi) << BigInt(f.vpnHiShift)) + BigInt(lo);
  };
  return {
    none: L.none,
    cellWords: cw,
    frameWords: fw,
    slotWords: sw,
    blockWords: bw,
    cellState: (w, i) => w[i * cw + f.cellState] & stateMask,
    cellFlags: (w, i) => w[i * cw + f.cellState] >>> f.flagShift,
    cellLoc: (w, i) => w[i * cw + f.cellLoc],
    cellResident: (w, i) => w[i * cw + f.cellResident],
    /** Marks every cell of `w` as holding no single frame or slot (for cells not read). */
    clearCells(w) {
      for (let o = 0; o < w.length; o += cw) w[o + f.cellLoc] = L.none;
    },
    owner: (w, i, words = fw) => w[i * words + f.owner] - 1,
    vpn: (w, i, words = fw) => vpnAt(w, i * words),
    flags: (w, i, words = fw) => w[i * words + f.flags],
    value: (w, i) => w[i * fw + f.value],
    /** How many pages map a frame (several when it is shared). */
    maps: (w, i) => w[i * fw + f.frameMaps],
    slotMaps: (w, i) => w[i * sw + f.slotMaps],
    /** A frame's policy value as the policy writes it (aging: 8 bits; OPT's "never"). */
    valueText: (policy, value) => {
      if (value >= L.valueMax) return 'never';
      return policy.valueRadix === 2 ? value.toString(2).padStart(8, '0') : String(value);
    },
    slotOwner: (w, i) => w[i * sw + f.owner] - 1,
    slotVpn: (w, i) => vpnAt(w, i * sw),
    slotFlags: (w, i) => w[i * sw + f.flags],
    blockUsed: (w, i) => w[i * bw + f.blockUsed],
    blockDirty: (w, i) => w[i * bw + f.blockDirty],
    blockReferenced: (w, i) => w[i * bw + f.blockReferenced],
    blockOwner: (w, i) => w[i * bw + f.blockOwner] - 1,
    blockFlags: (w, i) => w[i * bw + f.blockFlags],
  };
}
