// The page's own plain-language sentences (receipt, status lines, file names), written from the
// core's JSON (camelCase fields). What a file carries is phrased once, by the core
// (`Inventory::plain_words`, sent as `inspection.words`, which the CLI prints too); this module
// only places those phrases in a sentence.

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function formatBytes(n) {
  if (n < 1024) return plural(n, 'byte');
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** One sentence on what the open image carries, for before export (from the core's words). */
export function describeCarried(info) {
  const words = info?.inspection?.words;
  if (words?.some(isKeptColour)) return `This image carries: ${words.join(', ')}. All the rest will be removed.`;
  if (words?.length) return `This image carries: ${words.join(', ')}. All of it will be removed.`;
  if (words) return 'This image carries nothing besides its pixels. The new file will not either.';
  // No inventory from the engine: say what is known.
  return `${describeImage(info)} Nothing but the pixels will be kept.`;
}

/** "3000 × 4000 JPEG, orientation corrected." */
export function describeImage(p) {
  const parts = [`${p.width} × ${p.height} ${String(p.format).toUpperCase()}`];
  if (p.orientation !== 1) parts.push('orientation corrected');
  if (p.hadAlpha) parts.push('transparency shown on white');
  if (p.frames > 1) parts.push(`first of ${p.frames} frames`);
  return `${parts.join(', ')}.`;
}

/** The status line after opening. */
export function describeOpen(p) {
  return `Opened ${describeImage(p).slice(0, -1)}. Drag over what identifies the patient.`;
}

/** The core's phrase for a colour profile kept as Occlude's standard one (lossless JPEG). */
const isKeptColour = (w) => w.includes(': kept as a standard profile');
/** The core's phrase for a file's colour information (`Assessment::words`). */
const isColour = (w) => /^colour (profile|chunk)/.test(w);

/** The verification receipt, from the report's `verification` (and its `colour`). */
export function verificationReceipt(r) {
  const v = r.verification || {};
  const n = v.boxesChecked ?? r.boxes.length;
  const lines = [
    `Verified from the new file's own bytes: ${plural(n, 'box', 'boxes')} filled, ${plural(v.metadataBlocks ?? 0, 'metadata block')}, ${plural(v.trailingBytes ?? 0, 'trailing byte')}.`,
  ];
  if (r.path === 'lossless') lines.push('Lossless: only the boxes changed.');
  else if (r.outputFormat === 'jpeg' && v.tolerance != null)
    lines.push(`JPEG: box pixels checked to within ${v.tolerance} levels of the fill, from ${v.margin} px inside each edge.`);
  else if (r.outputFormat === 'png') lines.push('PNG: every box pixel checked exactly.');
  if (r.colour) lines.push(`${r.colour[0].toUpperCase()}${r.colour.slice(1)}.`);
  return lines;
}

/** What was removed, for the review: the core's words for the inventory, and what the report says was changed. */
export function removedSentence(info, report) {
  // What became of the colour profile is the receipt's (the report's own words): not here.
  const phrases = (info?.inspection?.words ?? []).filter((w) => !(report.colour && isColour(w)));
  const extra = [];
  if (report.orientation !== 1) extra.push('the orientation tag (the pixels were turned instead)');
  if (report.alphaFlattened) extra.push('transparency (flattened onto white)');
  if (report.framesDropped > 0) extra.push(`${plural(report.framesDropped, 'animation frame')}`);
  const all = [...phrases, ...extra.filter((x) => !(x.includes('animation') && phrases.some((p) => p.includes('animation'))))];
  if (all.length) return `Removed: ${all.join(', ')}.`;
  return 'The original carried no hidden data; the new file has none.';
}

/** The status line after a download. */
export function savedLine(name, r) {
  const n = r.boxes.length;
  const parts = [`${plural(n, 'box', 'boxes')} burned`, `${formatBytes(r.outputBytes)} ${r.outputFormat.toUpperCase()}`];
  if (r.orientation !== 1) parts.push('orientation corrected');
  if (r.alphaFlattened) parts.push('transparency flattened onto white');
  if (r.framesDropped > 0) parts.push(`${plural(r.framesDropped, 'animation frame')} dropped`);
  parts.push('no metadata kept');
  return `Saved ${name}: ${parts.join(', ')}.`;
}

export function timestamp(d) {
  const p = (v) => String(v).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** The one-line explanation under the format choice. */
export function formatExplanation(choice, effective, quality) {
  if (effective === 'jpeg') {
    const why = choice === 'auto' ? 'Automatic: JPEG, as for a photo.' : 'JPEG.';
    return `${why} Small file; quality ${quality} looks the same to the eye.`;
  }
  const why = choice === 'auto' ? 'Automatic: PNG, as for a screenshot or report.' : 'PNG.';
  return `${why} Every pixel exact; a larger file.`;
}
