// A small character diff for the history: what changed between two texts,
// as runs of [text, changed] for each side. The common start and end are
// trimmed first; the middle is aligned by a longest common subsequence of
// characters (code points, so that a kanji or an emoji is one), unless it
// is too long to align quickly, when the whole middle counts as changed.
const MAX_CELLS = 250000;

function runs(chars, keep) {
  const out = [];
  chars.forEach((c, i) => {
    const changed = !keep[i];
    const last = out[out.length - 1];
    if (last && last[1] === changed) last[0] += c;
    else out.push([c, changed]);
  });
  return out;
}

// diff('取組を推進した', '取組を強化した') →
//   { before: [['取組を', false], ['推進', true], ['した', false]],
//     after:  [['取組を', false], ['強化', true], ['した', false]] }
export function diff(before, after) {
  const a = Array.from(String(before ?? ''));
  const b = Array.from(String(after ?? ''));
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start
    && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const am = a.slice(start, a.length - end);
  const bm = b.slice(start, b.length - end);
  const keepA = new Array(a.length).fill(true);
  const keepB = new Array(b.length).fill(true);
  for (let i = 0; i < am.length; i++) keepA[start + i] = false;
  for (let j = 0; j < bm.length; j++) keepB[start + j] = false;
  if (am.length && bm.length && am.length * bm.length <= MAX_CELLS) {
    // LCS lengths from the end: l[i][j] for am[i..], bm[j..].
    const w = bm.length + 1;
    const l = new Uint32Array((am.length + 1) * w);
    for (let i = am.length - 1; i >= 0; i--) {
      for (let j = bm.length - 1; j >= 0; j--) {
        l[i * w + j] = am[i] === bm[j] ? l[(i + 1) * w + j + 1] + 1
          : Math.max(l[(i + 1) * w + j], l[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < am.length && j < bm.length) {
      if (am[i] === bm[j]) {
        keepA[start + i] = true;
        keepB[start + j] = true;
        i++;
        j++;
      } else if (l[(i + 1) * w + j] >= l[i * w + j + 1]) i++;
      else j++;
    }
  }
  return { before: runs(a, keepA), after: runs(b, keepB) };
}
