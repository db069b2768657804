//! Which lines of text in a clinical image to cover (issue 17).
//!
//! The OCR gives, per image, lines of text with a reading confidence and a box. `classify`
//! decides for each line whether it is an **identifier** (suggested for covering), **clinical**
//! content (left uncovered) or **other** (suggested: the safe side). The policy: suggest every
//! line except those confidently clinical; never un-suggest on a guess.
//!
//! A line is confidently clinical when all of these hold:
//! - every word in it is clinical vocabulary (`vocab`), and every number in it is a
//!   measurement, an axis value, or a fraction with clinical context ("6/9" next to VA or RE);
//! - no identifier rule fires on it (`ident`: dates, times, long numbers, postcodes, phones,
//!   emails, names, practice names), it is not a label's value (`labels`, `context`), and no
//!   name or practice name found elsewhere on the image appears in it;
//! - the OCR read it with confidence of at least `MIN_CONFIDENCE`.
//!
//! `find_occurrences` finds a word or name typed by the user in every line ("Cover every…");
//! the reader (`read.rs`) turns each character range found into a box.
//!
//! `model.rs` holds the types (a line, a verdict, the rules' names and their plain words);
//! `line.rs` one line as scanned; `decide.rs` the call that decides every line of an image.

mod clinical;
mod context;
mod decide;
mod find;
mod fold;
mod geometry;
mod ident;
mod labels;
mod line;
mod model;
mod prose;
mod tokens;
mod vocab;

pub use decide::classify;
pub use find::find_occurrences;
pub use model::{Kind, Line, PxBox, Why};
