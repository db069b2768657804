// Whether the lines Find text found are covered by boxes: the canvas draws the lines left
// uncovered faintly (tap one to cover it), and the review's safety net counts them. Pure
// functions, no DOM (the state's Node tests run them).
//
// A line is covered when boxes (any of them, together) cover at least COVERED of its box: its
// axis-aligned box in whole image pixels, what the finder returns as {x, y, width, height}.

export const COVERED = 0.9;

/** The fraction (0–1) of rectangle `r` that the union of `boxes` covers. */
export function coveredFraction(r, boxes) {
  const area = r.width * r.height;
  if (!(area > 0)) return 1;
  const x1 = r.x + r.width;
  const y1 = r.y + r.height;
  const clipped = [];
  for (const b of boxes) {
    const bx0 = Math.max(r.x, b.x);
    const by0 = Math.max(r.y, b.y);
    const bx1 = Math.min(x1, b.x + b.width);
    const by1 = Math.min(y1, b.y + b.height);
    if (bx1 <= bx0 || by1 <= by0) continue;
    if (bx0 === r.x && by0 === r.y && bx1 === x1 && by1 === y1) return 1;
    clipped.push([bx0, by0, bx1, by1]);
  }
  if (!clipped.length) return 0;
  if (clipped.length === 1) {
    const [a, b, c, d] = clipped[0];
    return ((c - a) * (d - b)) / area;
  }
  // The union's area: columns between every x edge, and in each the merged y spans.
  const xs = [...new Set(clipped.flatMap((c) => [c[0], c[2]]))].sort((a, b) => a - b);
  let covered = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const xa = xs[i];
    const xb = xs[i + 1];
    const spans = clipped.filter((c) => c[0] <= xa && c[2] >= xb).map((c) => [c[1], c[3]]).sort((a, b) => a[0] - b[0]);
    if (!spans.length) continue;
    let height = 0;
    let [top, bottom] = spans[0];
    for (const [s, e] of spans.slice(1)) {
      if (s > bottom) {
        height += bottom - top;
        top = s;
        bottom = e;
      } else bottom = Math.max(bottom, e);
    }
    height += bottom - top;
    covered += height * (xb - xa);
  }
  return covered / area;
}

/** Whether line `l` is covered by `boxes`. */
export function isCovered(l, boxes) {
  return coveredFraction(l, boxes) >= COVERED;
}

/**
 * The found lines that boxes do not cover, each with its index in `lines`: [{line, index}].
 * `which`: 'all', or 'suggested' (only the lines the finder suggested covering: with issue 17's
 * reading, a line it read as clinical (`suggested === false`) is left clear on purpose).
 */
export function uncoveredLines(lines, boxes, which = 'all') {
  const out = [];
  lines.forEach((line, index) => {
    if (which === 'suggested' && line.suggested === false) return;
    if (!isCovered(line, boxes)) out.push({ line, index });
  });
  return out;
}

/** A found line as a box (its four numbers), marked as suggested; with reading, `why` says what it holds ("a date"). */
export function suggestedBox(line) {
  return { x: line.x, y: line.y, width: line.width, height: line.height, suggested: true, ...(line.why && { why: line.why }) };
}
