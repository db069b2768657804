//! One line as scanned by the single-line rules: its folded text, tokens, identifier hits and
//! labels (the cross-line rules in `context.rs` add to its hits).

use super::fold::Folded;
use super::labels::LabelScan;
use super::model::Hit;
use super::tokens::Tok;

/// One line, read.
pub struct Read {
    pub folded: Folded,
    pub toks: Vec<Tok>,
    pub hits: Vec<Hit>,
    pub labels: LabelScan,
}
