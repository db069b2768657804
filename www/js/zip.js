// A ZIP of the exported files, for "Download as ZIP": one download where a browser would
// otherwise stop or ask about several. Our own few lines rather than a library: the entries are
// STORED (JPEG and PNG are compressed already; deflating them again gains next to nothing),
// so a ZIP is only headers, a CRC-32 of each file and a central directory (APPNOTE 6.3.10,
// sections 4.3.7, 4.3.12, 4.3.16). Nothing of the originals goes in: the names are the
// neutral export names, the time is the export's (the one DOS time of every entry), no extra
// fields, no comments, no file attributes.
//
//   const blob = await zipFiles([{ name: 'redacted-20250101-101010-1.jpg', blob }], new Date());
//
// The file bytes are never copied into one buffer: the ZIP is a Blob made of the headers and
// the files' own Blobs; each file is read once, for its CRC.

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const VERSION = 10; // 1.0: stored entries need nothing newer
const MAX = 0xffffffff; // sizes and offsets without ZIP64

let table = null;

/** CRC-32 (ISO 3309, the ZIP one) of `bytes`, continuing from `crc`. */
export function crc32(bytes, crc = 0) {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** MS-DOS time and date of `d` (local time, 2-second steps; 1980 at the earliest). */
export function dosDateTime(d) {
  const year = Math.max(1980, Math.min(2107, d.getFullYear()));
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return { time, date };
}

/**
 * A stored ZIP of `files` (each {name, blob}; names in ASCII, unique), every entry dated `when`.
 * @param {{name: string, blob: Blob}[]} files
 * @param {Date} when
 * @param {{signal?: AbortSignal}} [options]
 * @returns {Promise<Blob>} type application/zip
 */
export async function zipFiles(files, when, { signal } = {}) {
  if (files.length > 0xffff) throw new Error('too many files for one ZIP');
  const seen = new Set();
  const { time, date } = dosDateTime(when);
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, blob } of files) {
    if (!/^[\x20-\x7e]+$/.test(name) || name.includes('/') || name.includes('\\')) throw new Error(`not a plain ASCII file name: ${name}`);
    if (seen.has(name)) throw new Error(`two files named ${name}`);
    seen.add(name);
    signal?.throwIfAborted();
    const crc = crc32(new Uint8Array(await blob.arrayBuffer()));
    const size = blob.size;
    const nameBytes = new TextEncoder().encode(name);
    if (offset + 30 + nameBytes.length + size > MAX) throw new Error('the files are too large for one ZIP (4 GB)');
    const head = new DataView(new ArrayBuffer(30));
    head.setUint32(0, LOCAL, true);
    head.setUint16(4, VERSION, true);
    head.setUint16(6, 0, true); // flags: none (plain ASCII names, sizes known up front)
    head.setUint16(8, 0, true); // method: stored
    head.setUint16(10, time, true);
    head.setUint16(12, date, true);
    head.setUint32(14, crc, true);
    head.setUint32(18, size, true);
    head.setUint32(22, size, true);
    head.setUint16(26, nameBytes.length, true);
    head.setUint16(28, 0, true); // no extra field
    parts.push(head.buffer, nameBytes, blob);

    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, CENTRAL, true);
    entry.setUint16(4, 20, true); // made by: version 2.0, MS-DOS attributes (none set)
    entry.setUint16(6, VERSION, true);
    entry.setUint16(8, 0, true);
    entry.setUint16(10, 0, true);
    entry.setUint16(12, time, true);
    entry.setUint16(14, date, true);
    entry.setUint32(16, crc, true);
    entry.setUint32(20, size, true);
    entry.setUint32(24, size, true);
    entry.setUint16(28, nameBytes.length, true);
    // 30: extra length, 32: comment length, 34: disk, 36: internal and 38: external attributes: 0
    entry.setUint32(42, offset, true);
    central.push(entry.buffer, nameBytes);
    offset += 30 + nameBytes.length + size;
  }
  const centralSize = central.reduce((n, p) => n + p.byteLength, 0);
  if (offset + centralSize > MAX) throw new Error('the files are too large for one ZIP (4 GB)');
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, END, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return new Blob([...parts, ...central, end.buffer], { type: 'application/zip' });
}
