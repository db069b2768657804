// A helper of ./reading.js: a nested worker that reads parts of an image's lines. Its first
// message `{init: {glue, module, rec, keys}}` gives the finder module's glue URL, its compiled
// WebAssembly.Module, and the reader's weights and dictionary as Blobs (what the page keeps:
// nothing is fetched again); it answers `{ready: true}` once the reader is loaded, or
// `{error}`. Then each `{part}` (TextImage.part_to_read's bytes) is answered with `{reads}`
// (read_text_part's readings, one per line of the part) or `{error}`.

let text = null;

self.onmessage = async ({ data }) => {
  try {
    if (data.init) {
      const { glue, module, rec, keys } = data.init;
      const finder = await import(glue);
      await finder.default({ module_or_path: module });
      finder.load_text_reader(new Uint8Array(await rec.arrayBuffer()), await keys.text());
      text = finder;
      self.postMessage({ ready: true });
    } else {
      self.postMessage({ reads: text.read_text_part(new Uint8Array(data.part), () => true) });
    }
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
};
