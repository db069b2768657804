// The editor's plain-language sentences (www/js/words.js), run in Node: what the image carries
// (the core's words from inspect(), placed in a sentence), the verification receipt, the names
// and the format line. The phrasing of the inventory itself is the core's and is asserted
// where it lives, in tests/inventory.rs (`plain_words_exactly`, with the exact phrases this
// file used to assert against the JS port).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeCarried,
  formatExplanation,
  removedSentence,
  savedLine,
  timestamp,
  verificationReceipt,
} from '../../www/js/words.js';

const EMPTY = {
  exif: null,
  xmpBytes: null,
  iptcBytes: null,
  icc: null,
  comments: null,
  appSegments: [],
  textChunks: [],
  pngTime: null,
  otherChunks: [],
  trailingBytes: 0,
  frames: 1,
  hiddenUnderTransparent: null,
  notes: [],
};

const PHONE = {
  ...EMPTY,
  exif: {
    bytes: 9000,
    tagCount: 42,
    gps: true,
    make: 'Apple',
    model: 'iPhone 13',
    dates: [
      { name: 'DateTimeOriginal', value: '2024:03:01 10:12:00' },
      { name: 'DateTime', value: '2024:03:01 10:12:00' },
    ],
    texts: [{ name: 'ImageDescription', value: 'JANE DOE' }],
    thumbnail: { bytes: 5000, width: 160, height: 120 },
    makerNote: true,
    orientation: 6,
  },
  appSegments: ['APP1 Exif', 'APP2 ICC_PROFILE', 'APP2 MPF'],
  icc: { bytes: 548, description: 'Display P3' },
  trailingBytes: 2300,
};

/** What the core's `plain_words()` gives for PHONE (asserted in tests/inventory.rs), as inspect() sends it. */
const PHONE_WORDS = [
  'EXIF data (42 fields)',
  'GPS location',
  'camera make and model (Apple iPhone 13)',
  'a 160×120 thumbnail of the original',
  'dates and times (2024:03:01 10:12:00)',
  'text fields (a description)',
  'camera maker notes',
  'a colour profile (Display P3)',
  'other application data (APP2 MPF)',
  '2 300 bytes hidden after the end of the image',
];

test('what the image carries: from the inventory, or from what is known', () => {
  assert.match(describeCarried({ inspection: { inventory: PHONE, words: PHONE_WORDS } }), /^This image carries: EXIF data \(42 fields\), GPS location, .*\. All of it will be removed\.$/);
  assert.equal(describeCarried({ inspection: { inventory: EMPTY, words: [] } }), 'This image carries nothing besides its pixels. The new file will not either.');
  // An engine without an inventory: say what the preview knows.
  assert.equal(
    describeCarried({ width: 3000, height: 4000, format: 'jpeg', orientation: 6, hadAlpha: false, frames: 1, inspection: null }),
    '3000 × 4000 JPEG, orientation corrected. Nothing but the pixels will be kept.',
  );
});

const REPORT = {
  outputFormat: 'jpeg',
  outputBytes: 1_300_000,
  boxes: [{}, {}],
  orientation: 6,
  alphaFlattened: false,
  framesDropped: 0,
  verification: { boxesChecked: 2, metadataBlocks: 0, trailingBytes: 0, maxDeviation: 3, tolerance: 5, margin: 17, structure: [] },
};

test('the receipt: verified counts, the JPEG bound, or "lossless"', () => {
  assert.deepEqual(verificationReceipt(REPORT), [
    "Verified from the new file's own bytes: 2 boxes filled, 0 metadata blocks, 0 trailing bytes.",
    'JPEG: box pixels checked to within 5 levels of the fill, from 17 px inside each edge.',
  ]);
  assert.equal(verificationReceipt({ ...REPORT, path: 'lossless' })[1], 'Lossless: only the boxes changed.');
  assert.equal(verificationReceipt({ ...REPORT, outputFormat: 'png' })[1], 'PNG: every box pixel checked exactly.');
  assert.match(removedSentence({ inspection: { inventory: PHONE, words: PHONE_WORDS } }, REPORT), /^Removed: EXIF data .*, the orientation tag \(the pixels were turned instead\)\.$/);
  assert.equal(removedSentence({ inspection: { inventory: EMPTY, words: [] } }, { ...REPORT, orientation: 1 }), 'The original carried no hidden data; the new file has none.');
  assert.equal(savedLine('redacted-20240301-101200.jpg', REPORT), 'Saved redacted-20240301-101200.jpg: 2 boxes burned, 1.2 MB JPEG, orientation corrected, no metadata kept.');
});

test('colour: the receipt says what became of the profile, and only the receipt', () => {
  const kept = 'colour profile Display P3: kept as a standard profile, no device data';
  const words = ['GPS location', kept];
  assert.equal(describeCarried({ inspection: { words } }), `This image carries: GPS location, ${kept}. All the rest will be removed.`);
  const report = { ...REPORT, orientation: 1, path: 'lossless', colour: kept };
  assert.deepEqual(verificationReceipt(report).slice(1), [
    'Lossless: only the boxes changed.',
    'Colour profile Display P3: kept as a standard profile, no device data.',
  ]);
  assert.equal(removedSentence({ inspection: { words } }, report), 'Removed: GPS location.');
  // Saved as PNG instead: the report says converted, the inventory's phrase is not repeated.
  const converted = { ...report, path: 'pixels', outputFormat: 'png', colour: 'colour profile Display P3: converted to sRGB' };
  assert.equal(verificationReceipt(converted).at(-1), 'Colour profile Display P3: converted to sRGB.');
  assert.equal(removedSentence({ inspection: { words } }, converted), 'Removed: GPS location.');
  // Untagged: no colour line.
  assert.equal(verificationReceipt({ ...REPORT, colour: '' }).length, 2);
});

test('neutral names and the format line', () => {
  assert.equal(timestamp(new Date(2024, 2, 1, 9, 5, 7)), '20240301-090507');
  assert.equal(formatExplanation('auto', 'jpeg', 90), 'Automatic: JPEG, as for a photo. Small file; quality 90 looks the same to the eye.');
  assert.equal(formatExplanation('png', 'png', 90), 'PNG. Every pixel exact; a larger file.');
});
