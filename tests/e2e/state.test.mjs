// The editor's state object (www/js/state.js), run in Node: the undo rules (one step per change,
// a keyboard run is one step, history per image, the limit), selection, closing images, and
// what listeners hear. The page tests drive the same rules through the real editor.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EditorState, UNDO_LIMIT } from '../../www/js/state.js';

const box = (x, y = 0, width = 10, height = 10) => ({ x, y, width, height });
const xs = (state) => state.current.boxes.map((b) => b.x);

function withImage() {
  const state = new EditorState();
  const heard = [];
  state.subscribe((what) => heard.push(what));
  state.addImage({ width: 100, height: 80, bitmap: null, info: { format: 'png' } });
  heard.length = 0;
  return { state, heard };
}

test('every change of boxes is one undo step; undo and redo restore boxes and selection', () => {
  const { state, heard } = withImage();
  assert.equal(state.canUndo, false);
  state.addBoxes([box(1)]);
  state.addBoxes([box(2), box(3)]); // one step for both
  assert.deepEqual(xs(state), [1, 2, 3]);
  assert.equal(state.current.selected, 2, 'the last added box is selected');
  state.select(0);
  state.changeBox(1, box(20)); // a drag: selects the box it moved
  assert.equal(state.current.selected, 1);
  state.undo();
  assert.deepEqual(xs(state), [1, 2, 3]);
  assert.equal(state.current.selected, 0, 'undo puts back the selection from before the move');
  state.undo();
  assert.deepEqual(xs(state), [1]);
  state.redo();
  assert.deepEqual(xs(state), [1, 2, 3]);
  state.addBoxes([box(4)]);
  assert.equal(state.canRedo, false, 'a new change clears redo');
  state.deleteBox();
  assert.deepEqual(xs(state), [1, 2, 3]);
  assert.equal(state.current.selected, 2);
  state.clearBoxes();
  assert.deepEqual(xs(state), []);
  state.undo();
  assert.deepEqual(xs(state), [1, 2, 3]);
  assert.deepEqual(heard, ['add', 'add', 'select', 'move', 'undo', 'undo', 'redo', 'add', 'delete', 'clear', 'undo']);
});

test('no step for nothing: an unchanged box, a delete with nothing selected, clearing nothing', () => {
  const { state } = withImage();
  state.clearBoxes();
  state.addBoxes([]);
  state.addBoxes([box(1)]);
  state.changeBox(0, box(1));
  state.select(-1);
  state.deleteBox();
  state.select(5);
  assert.equal(state.current.selected, -1, 'an index out of range selects none');
  assert.equal(state.current.undo.length, 1);
});

test('a run of keyboard edits of one box is one step, until anything else happens', () => {
  const { state } = withImage();
  state.addBoxes([box(0), box(50)]);
  state.select(0);
  for (let x = 1; x <= 5; x++) state.changeBox(0, box(x), { keys: true });
  state.changeBox(0, { ...box(5), width: 12 }, { keys: true, resize: true });
  assert.equal(state.current.undo.length, 2, 'add + one keyboard run');
  state.select(1);
  state.changeBox(1, box(51), { keys: true });
  state.changeBox(1, box(52), { keys: true });
  state.newStep(); // e.g. the pointer went down on the canvas
  state.changeBox(1, box(53), { keys: true });
  state.changeBox(1, box(54)); // a drag is always its own step
  state.changeBox(1, box(55), { keys: true });
  assert.equal(state.current.undo.length, 6);
  state.undo();
  assert.deepEqual(xs(state), [5, 54]);
  state.undo();
  state.undo();
  assert.deepEqual(xs(state), [5, 52]);
  state.undo();
  assert.deepEqual(xs(state), [5, 50]);
  state.undo();
  assert.deepEqual(xs(state), [0, 50]);
});

test('each image has its own boxes and history; at most UNDO_LIMIT steps are kept', () => {
  const { state } = withImage();
  const first = state.current;
  for (let i = 0; i < UNDO_LIMIT + 5; i++) state.addBoxes([box(i)]);
  const second = state.addImage({ width: 50, height: 50, bitmap: null });
  assert.equal(state.current, second, 'an opened image becomes current');
  assert.equal(state.canUndo, false, 'the new image has no history');
  state.addBoxes([box(7)]);
  state.selectImage(first.id);
  assert.equal(first.undo.length, UNDO_LIMIT);
  while (state.canUndo) state.undo();
  assert.deepEqual(xs(state), [0, 1, 2, 3, 4], 'the oldest steps were dropped');
  state.selectImage(second.id);
  assert.deepEqual(xs(state), [7], 'the other image kept its box');
});

test('closing an image makes the next (or the one before) current and frees its preview', () => {
  const state = new EditorState();
  let closed = 0;
  const bitmap = () => ({ close: () => closed++ });
  const [a, b, c] = [1, 2, 3].map(() => state.addImage({ width: 10, height: 10, bitmap: bitmap() }));
  state.selectImage(b.id);
  assert.equal(state.closeImage(), c);
  assert.equal(state.closeImage(), a, 'the last one closed: the one before');
  assert.equal(state.closeImage(), null);
  assert.equal(state.current, null);
  assert.equal(closed, 3);
  assert.equal(state.closeImage(), null, 'nothing to close');
});

test('rects() gives the core its four numbers only, whatever else a box carries', () => {
  const { state } = withImage();
  state.addBoxes([{ ...box(3, 4, 5, 6), source: 'suggested' }]);
  assert.deepEqual(state.rects(), [{ x: 3, y: 4, width: 5, height: 6 }]);
  assert.equal(state.current.boxes[0].source, 'suggested', 'a box keeps its other fields');
  state.rects()[0].x = 99;
  assert.equal(state.current.boxes[0].x, 3, 'a copy');
});

test('views and settings: no undo step; a setting that does not change says nothing', () => {
  const { state, heard } = withImage();
  state.setView({ scale: 2, ox: 0, oy: 0, fit: false });
  assert.deepEqual(state.current.view, { scale: 2, ox: 0, oy: 0, fit: false });
  state.setSettings({ fill: '#000000' });
  state.setSettings({ fill: '#ffffff' });
  assert.equal(state.settings.fill, '#ffffff');
  assert.equal(state.canUndo, false);
  assert.deepEqual(heard, ['view', 'settings']);
});

test('the screen is one value: start with nothing open, edit, review after an export, back again', () => {
  const state = new EditorState();
  const heard = [];
  state.subscribe((what) => heard.push(what));
  assert.equal(state.screen, 'start');
  const a = state.addImage({ width: 10, height: 10, bitmap: null });
  assert.equal(state.screen, 'edit');
  state.addBoxes([box(1)]);
  const review = { image: a, name: 'redacted-20240301-101200.png', report: {}, canShare: false };
  state.showReview(review);
  assert.equal(state.screen, 'review');
  assert.equal(state.review, review);
  state.backToEditing();
  assert.equal(state.screen, 'edit');
  state.backToEditing(); // not on the review: nothing happens
  state.showReview(review);
  state.addImage({ width: 10, height: 10, bitmap: null }); // opening another leaves the review
  assert.equal(state.screen, 'edit');
  state.showReview(review);
  state.selectImage(a.id); // so does picking an image in the strip
  assert.equal(state.screen, 'edit');
  state.closeImage();
  state.closeImage();
  assert.equal(state.screen, 'start', 'the last image closed');
  assert.deepEqual(heard, ['image', 'add', 'screen', 'screen', 'screen', 'image', 'screen', 'image', 'image', 'image']);
  state.setBusy(true);
  state.setStatus('Exporting…');
  state.setStatus('Failed.', { error: true });
  assert.deepEqual([state.busy, state.status], [true, { text: 'Failed.', error: true }]);
});

test('boxes for another open image, and deleting a box that is not selected', () => {
  const { state } = withImage();
  const first = state.current;
  state.addBoxes([box(1), box(2), box(3)]);
  state.select(2);
  state.deleteBox(0);
  assert.deepEqual(xs(state), [2, 3]);
  assert.equal(state.current.selected, 1, 'the selection stays on its box');
  state.deleteBox(9);
  assert.equal(state.current.boxes.length, 2, 'no such box: nothing happens');
  const second = state.addImage({ width: 50, height: 50, bitmap: null });
  state.addBoxes([box(5)], { imageId: first.id });
  assert.deepEqual(second.boxes, [], 'the current image is untouched');
  assert.deepEqual(first.boxes.map((b) => b.x), [2, 3, 5]);
  state.selectImage(first.id);
  state.undo();
  assert.deepEqual(xs(state), [2, 3], 'a step in that image\'s own history');
});

test('memory: only the current image holds a preview; switching closes the others\', a late preview is let go', () => {
  const state = new EditorState();
  const closed = [];
  const bitmap = (name) => ({ name, close: () => closed.push(name) });
  const a = state.addImage({ width: 10, height: 10, bitmap: bitmap('a'), file: { size: 1 } });
  const b = state.addImage({ width: 10, height: 10, bitmap: bitmap('b') });
  assert.deepEqual(closed, ['a'], 'opening b let a\'s preview go');
  assert.equal(a.bitmap, null);
  assert.deepEqual(a.file, { size: 1 }, 'a keeps its file');
  state.selectImage(a.id);
  assert.deepEqual(closed, ['a', 'b']);
  assert.equal(state.images.filter((im) => im.bitmap).length, 0, 'none until a is decoded again');
  const heard = [];
  state.subscribe((what) => heard.push(what));
  state.setPreview(a.id, bitmap('a2'));
  assert.equal(a.bitmap.name, 'a2');
  state.setPreview(b.id, bitmap('late')); // decoded for b after the user moved on
  assert.deepEqual(closed, ['a', 'b', 'late'], 'a preview for an image no longer current is closed at once');
  state.setPreview(a.id, bitmap('twice'));
  assert.equal(a.bitmap.name, 'a2', 'the one it has stays');
  assert.deepEqual(closed.at(-1), 'twice');
  assert.deepEqual(heard, ['preview']);
});

test('Export all: the review-all screen, images with no boxes sent only when included, progress', () => {
  const state = new EditorState();
  const a = state.addImage({ width: 10, height: 10 });
  const heard = [];
  state.subscribe((what) => heard.push(what));
  state.setBusy(true, { done: 1, total: 3 });
  assert.deepEqual(state.progress, { done: 1, total: 3 });
  state.setBusy(false, { done: 3, total: 3 });
  assert.equal(state.progress, null, 'no progress when not busy');
  const batch = { items: [{ image: a, asIs: false, include: true }, { image: a, asIs: true, include: false }] };
  state.showBatch(batch);
  assert.equal(state.screen, 'review-all');
  state.setIncluded(0, false);
  assert.equal(batch.items[0].include, true, 'a file with boxes is always sent');
  state.setIncluded(1, true);
  state.setIncluded(1, true);
  assert.equal(batch.items[1].include, true);
  state.backToEditing();
  assert.equal(state.screen, 'edit');
  assert.deepEqual(heard, ['busy', 'busy', 'screen', 'batch', 'screen']);
});

test('templates and the offer: held in the state, each image offered once', () => {
  const state = new EditorState();
  const a = state.addImage({ width: 10, height: 10 });
  const b = state.addImage({ width: 10, height: 10 });
  const heard = [];
  state.subscribe((what) => heard.push(what));
  const t = { name: 'T', size: [10, 10], boxes: [box(0)], fill: null };
  state.setTemplates({ own: [{ id: 1, template: t }] });
  assert.deepEqual(state.templates, { own: [{ id: 1, template: t }], practice: [], note: '' });
  state.setOffer({ template: t, ids: [a.id, b.id] });
  state.markOffered([a.id]);
  assert.deepEqual([a.offered, b.offered], [true, false]);
  state.setOffer(null);
  assert.deepEqual(heard, ['templates', 'offer', 'offer']);
});

test('Find text: suggested boxes in one step, not over covered lines; an edit makes a box drawn; lines left clear', async () => {
  const { state, heard } = withImage();
  state.addBoxes([box(0, 0, 50, 10)]); // the user's own box over the first line
  heard.length = 0;
  const lines = [
    { x: 2, y: 1, width: 40, height: 8, quad: null, confidence: 0.9 },
    { x: 10, y: 30, width: 30, height: 8, quad: null, confidence: 0.8 },
    { x: 10, y: 50, width: 30, height: 8, quad: null, confidence: 0.8, text: 'IOP 14', kind: 'clinical', suggested: false, why: 'clinical: IOP' },
    { x: 60, y: 60, width: 20, height: 10, quad: null, confidence: 0.7, text: '12/03/1961', kind: 'identifier', suggested: true, why: 'a date' },
  ];
  assert.equal(state.setFound(state.currentId, lines), 2, 'covered and left-clear lines get no box');
  assert.equal(state.current.boxes[2].why, 'a date', 'a suggestion keeps why it was suggested');
  assert.equal(state.current.boxes[1].why, undefined, 'no why for a line not read');
  assert.deepEqual(heard, ['add']);
  assert.deepEqual(state.current.boxes.map((b) => !!b.suggested), [false, true, true]);
  assert.deepEqual(state.rects()[1], { x: 10, y: 30, width: 30, height: 8 }, 'rects() drops the mark');
  assert.deepEqual(state.uncovered().map((u) => u.index), [2], 'only the line left clear is uncovered');
  assert.deepEqual(state.uncovered(state.current, 'suggested'), [], 'the safety net ignores lines left clear on purpose');
  state.undo();
  assert.equal(state.current.boxes.length, 1, 'one undo removes every suggested box');
  assert.deepEqual(state.uncovered(state.current, 'suggested').map((u) => u.index), [1, 3]);
  state.redo();
  assert.equal(state.current.boxes.filter((b) => b.suggested).length, 2, 'redo brings them back, still suggested');
  state.changeBox(2, { x: 58, y: 58, width: 22, height: 12 });
  assert.equal(state.current.boxes[2].suggested, undefined, 'a moved suggestion is a drawn box');
  assert.equal(state.current.boxes[2].why, undefined, 'and no longer says why it was suggested');
  state.deleteBox(1);
  assert.deepEqual(state.uncovered(state.current, 'suggested').map((u) => u.index), [1]);
  state.coverLines([1, 2]);
  assert.deepEqual(state.uncovered(), [], 'covering lines: suggested boxes over them');
  assert.equal(state.current.boxes.filter((b) => b.suggested).length, 2);
  state.undo();
  assert.equal(state.uncovered().length, 2, 'covering is one undo step');
  // Found again: nothing doubled.
  state.redo();
  assert.equal(state.setFound(state.currentId, lines), 0);
});

test('cover.js: 90 % of a line covered by the union of boxes counts as covered', async () => {
  const { coveredFraction, isCovered } = await import('../../www/js/cover.js');
  const line = { x: 0, y: 0, width: 100, height: 10 };
  assert.equal(coveredFraction(line, []), 0);
  assert.equal(coveredFraction(line, [{ x: -5, y: -5, width: 200, height: 50 }]), 1);
  assert.equal(coveredFraction(line, [{ x: 0, y: 0, width: 50, height: 10 }]), 0.5);
  // Two overlapping halves: the union, not the sum.
  assert.equal(coveredFraction(line, [{ x: 0, y: 0, width: 60, height: 10 }, { x: 40, y: 0, width: 60, height: 10 }]), 1);
  assert.equal(coveredFraction(line, [{ x: 0, y: 0, width: 60, height: 5 }, { x: 0, y: 0, width: 60, height: 10 }]), 0.6);
  assert.equal(isCovered(line, [{ x: 0, y: 0, width: 90, height: 10 }]), true);
  assert.equal(isCovered(line, [{ x: 0, y: 0, width: 89, height: 10 }]), false);
  assert.equal(isCovered(line, [{ x: 0, y: 0, width: 50, height: 10 }, { x: 50, y: 1, width: 50, height: 9 }]), true, '95 %');
});
