// The ZIP writer of "Download as ZIP" (www/js/zip.js), run in Node and checked by an
// independent reader: Python's zipfile (CRCs, headers, central directory), plus the bytes
// themselves: stored entries, the DOS time of the export, nothing but the neutral names.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32, dosDateTime, zipFiles } from '../../www/js/zip.js';
import { ARTIFACTS } from './helpers.mjs';

/** Python's zipfile reads the archive: every entry's name, size, CRC check, date and method. */
function pythonRead(path) {
  const script = [
    'import json, sys, zipfile',
    'with zipfile.ZipFile(sys.argv[1]) as z:',
    '    bad = z.testzip()',
    '    out = [{"name": i.filename, "size": i.file_size, "stored": i.compress_type == zipfile.ZIP_STORED,',
    '            "date": list(i.date_time), "extra": len(i.extra), "comment": len(i.comment),',
    '            "attr": i.external_attr, "data": z.read(i).hex()} for i in z.infolist()]',
    '    print(json.dumps({"bad": bad, "entries": out, "comment": len(z.comment)}))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
}

test('CRC-32 matches the standard check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const a = new TextEncoder().encode('12345');
  const b = new TextEncoder().encode('6789');
  assert.equal(crc32(b, crc32(a)), 0xcbf43926, 'it continues across chunks');
});

test('a stored ZIP that an independent reader opens, with neutral names and the export time', async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const when = new Date(2025, 2, 14, 9, 26, 53); // local time; DOS keeps even seconds
  const files = [
    { name: 'redacted-20250314-092653-1.jpg', blob: new Blob([Uint8Array.from({ length: 70000 }, (_, i) => (i * 7) & 0xff)]) },
    { name: 'redacted-20250314-092653-2.png', blob: new Blob([new TextEncoder().encode('not really a png')]) },
    { name: 'redacted-20250314-092653-3.png', blob: new Blob([]) },
  ];
  const zip = await zipFiles(files, when);
  assert.equal(zip.type, 'application/zip');
  const bytes = Buffer.from(await zip.arrayBuffer());
  const path = join(ARTIFACTS, 'zip-test.zip');
  writeFileSync(path, bytes);
  const read = pythonRead(path);
  assert.equal(read.bad, null, 'every CRC checks');
  assert.equal(read.comment, 0);
  assert.deepEqual(read.entries.map((e) => e.name), files.map((f) => f.name));
  for (const [i, e] of read.entries.entries()) {
    const want = Buffer.from(await files[i].blob.arrayBuffer());
    assert.equal(e.data, want.toString('hex'), `${e.name}: the same bytes`);
    assert.equal(e.size, want.length);
    assert.equal(e.stored, true, 'stored, not deflated');
    assert.deepEqual(e.date, [2025, 3, 14, 9, 26, 52], 'the export time (DOS: 2-second steps)');
    assert.equal(e.extra, 0, 'no extra fields (no Unix times, no uid)');
    assert.equal(e.comment, 0);
    assert.equal(e.attr, 0, 'no file attributes');
  }
  // The archive is exactly headers + data + directory: 30 + name + data per entry, 46 + name
  // per directory entry, 22 at the end. Nothing else is in it.
  const expected = files.reduce((n, f) => n + 30 + f.name.length + f.blob.size + 46 + f.name.length, 22);
  assert.equal(bytes.length, expected);
  assert.deepEqual(dosDateTime(new Date(1970, 0, 1)).date, (0 << 9) | (1 << 5) | 1, 'before 1980 is clamped to 1980');
});

test('names must be plain and unique', async () => {
  const blob = new Blob(['x']);
  await assert.rejects(zipFiles([{ name: '../x.jpg', blob }], new Date()), /not a plain ASCII file name/);
  await assert.rejects(zipFiles([{ name: 'Jane Dœ.jpg', blob }], new Date()), /not a plain ASCII file name/);
  await assert.rejects(zipFiles([{ name: 'a.jpg', blob }, { name: 'a.jpg', blob }], new Date()), /two files named a\.jpg/);
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  await assert.rejects(zipFiles([{ name: 'a.jpg', blob }], new Date(), { signal: ac.signal }), /stop/);
});
