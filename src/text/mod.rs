//! The text finder: given an image as seen, the text lines it carries, each as an axis-aligned
//! box in image pixels (plus its quadrilateral when the line is tilted) and a confidence.
//!
//! Two detectors behind one call:
//! - **classical** (`classical.rs`): strong colour edges, grouped into glyphs and glyphs into lines.
//!   Fast (tens of milliseconds) and exact on *clean renders*: screenshots and exported reports,
//!   where text is drawn crisply over flat colour.
//! - **network** (`net.rs` + `db.rs`, with `cc.rs` and `geom.rs`): the PP-OCRv5 mobile text detector (a DBNet) run by `rten`,
//!   tiled, then DB post-processing. Needed for phone photos (perspective, blur, moiré, noise) and
//!   for pictures with noise everywhere (fundus photographs with overlay text).
//!
//! [`Mode::Auto`] picks by [`is_clean_render`](finder::is_clean_render): renders have flat areas (most pixels repeat
//! their right-hand neighbour exactly) and few tiny steps; camera pictures have sensor noise and
//! JPEG ringing everywhere, so few pixels repeat and many differ by 1–4 levels. On the
//! evaluation set: renders flat 0.62–0.99 / tiny 0.00–0.20; photos flat 0.05–0.35 / tiny
//! 0.39–0.69; fundus pictures flat 0.04 (they go to the network, as they should).
//!
//! Floor 3: it reads decoded pixels and returns boxes; it knows nothing of files or formats
//! (`pipeline/text.rs` decodes and calls [`find_text`](finder::find_text)). Built only with the `text` feature; it
//! depends on std, `image` (for [`RgbImage`]), `rten`/`rten-tensor`, and the ground floor's
//! box and error types.
//!
//! Beside the finder, reading (issue 17): `read.rs`, the recogniser (PP-OCRv5 mobile rec in
//! `rten`), reads each line found with a confidence and each character's place along the line;
//! `classify/` sorts the lines read into identifier / clinical / other by plain rules and finds
//! a word typed by the user in every line ("Cover every…"). Reading is optional: without the
//! recogniser's weights the lines are found but not read, and every line is suggested.

//!
//! `line.rs` holds what a run takes and gives (options, lines, statistics); `finder.rs` the one
//! call that picks the path; `error.rs` the finder's errors and their codes in the crate's.

mod cc;
mod classical;
pub mod classify;
mod db;
pub mod error;
pub mod finder;
mod geom;
pub mod line;
pub mod net;
pub mod read;

// What the crate's facade (lib.rs) offers of the finder.
pub use line::{Mode, Stats, TextLine};
pub use net::Model;
pub use read::{ReadLine, Reader};
