// Plain-language sentences for the page, written from the core's JSON (camelCase fields).

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** 2300 → "2 300". */
export function groupDigits(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

export function formatBytes(n) {
  if (n < 1024) return plural(n, 'byte');
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function humanSize(n) {
  if (n < 1024) return plural(n, 'byte');
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function list(names) {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown}, …` : shown;
}

const TEXT_FIELDS = {
  ImageDescription: 'a description',
  Artist: 'an author',
  Copyright: 'a copyright notice',
  UserComment: 'a user comment',
  CameraOwnerName: 'the camera owner',
  BodySerialNumber: 'a serial number',
};

const coveredAppSegment = (s) =>
  s === 'APP1 Exif' || s.startsWith('APP1 http') || s === 'APP2 ICC_PROFILE' || s === 'APP13 Photoshop 3.0' || s === 'APP14 Adobe';
const coveredTextKeyword = (k) => k === 'XML:com.adobe.xmp' || /^Raw profile type (exif|APP1|iptc|8bim|icc|icm|xmp)$/i.test(k);

/**
 * What a file carries besides its pixels, one short phrase per thing found (the same phrasing
 * as the core's `Inventory::plain_words`), from `inspect()`'s `inventory` object. Empty when
 * nothing was found or the inventory is missing. Extend here when the core reports more.
 */
export function inventoryPhrases(inv) {
  if (!inv || typeof inv !== 'object') return [];
  const w = [];
  const e = inv.exif;
  if (e) {
    w.push(`EXIF data (${plural(e.tagCount ?? 0, 'field')})`);
    if (e.gps) w.push('GPS location');
    if (e.make && e.model) w.push(`camera make and model (${e.model.startsWith(e.make) ? e.model : `${e.make} ${e.model}`})`);
    else if (e.make) w.push(`camera make (${e.make})`);
    else if (e.model) w.push(`camera model (${e.model})`);
    if (e.thumbnail) {
      const t = e.thumbnail;
      w.push(t.width && t.height ? `a ${t.width}×${t.height} thumbnail of the original` : 'a thumbnail of the original');
    }
    if (e.dates?.length) {
      const values = [...new Set(e.dates.map((d) => d.value))];
      w.push(`dates and times (${values.slice(0, 2).join(', ')}${values.length > 2 ? ', …' : ''})`);
    }
    if (e.texts?.length) w.push(`text fields (${e.texts.map((t) => TEXT_FIELDS[t.name] || 'text').join(', ')})`);
    if (e.makerNote) w.push('camera maker notes');
  }
  if (inv.xmpBytes != null) w.push(`an XMP metadata packet (${humanSize(inv.xmpBytes)})`);
  if (inv.iptcBytes != null) w.push('IPTC / Photoshop data');
  if (inv.icc) w.push(inv.icc.description ? `a colour profile (${inv.icc.description})` : 'a colour profile');
  if (inv.comments) {
    const c = inv.comments;
    const chars = [...(c.first || '')];
    const text = chars.slice(0, 10).join('') + (chars.length > 10 ? '…' : '');
    w.push(c.count === 1 ? `a comment ("${text}")` : `${c.count} comments ("${text}", …)`);
  }
  const others = (inv.appSegments || []).filter((s) => !coveredAppSegment(s));
  if (others.length) w.push(`other application data (${list(others)})`);
  const texts = (inv.textChunks || []).map((t) => t.keyword).filter((k) => !coveredTextKeyword(k));
  if (texts.length) w.push(`${texts.length} text ${texts.length === 1 ? 'chunk' : 'chunks'} (${list(texts)})`);
  if (inv.pngTime) w.push('a timestamp chunk');
  if (inv.otherChunks?.length) w.push(`other data chunks (${list(inv.otherChunks)})`);
  if (inv.trailingBytes > 0) w.push(`${groupDigits(inv.trailingBytes)} ${inv.trailingBytes === 1 ? 'byte' : 'bytes'} hidden after the end of the image`);
  if (inv.frames > 1) w.push(`${inv.frames - 1} more animation ${inv.frames - 1 === 1 ? 'frame' : 'frames'}`);
  if (inv.hiddenUnderTransparent > 0) w.push(`${groupDigits(inv.hiddenUnderTransparent)} hidden colour under transparent pixels`);
  return w;
}

/** One sentence on what the open image carries, for before export. */
export function describeCarried(info) {
  const phrases = inventoryPhrases(info?.inspection?.inventory);
  if (phrases.length) return `This image carries: ${phrases.join(', ')}. All of it will be removed.`;
  if (info?.inspection?.inventory) return 'This image carries nothing besides its pixels. The new file will not either.';
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

/** The verification receipt, from the report's `verification`. */
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
  return lines;
}

/** What was removed, for the review: from the inventory when the engine gave one. */
export function removedSentence(info, report) {
  const phrases = inventoryPhrases(info?.inspection?.inventory);
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
