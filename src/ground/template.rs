//! Region templates (README, "Template files"): named boxes for every image of one size, since
//! images from one device put the patient's name in the same place every time. The model, the
//! rules of the file and how a template's boxes fit an image of another size live here once;
//! the page keeps a JavaScript twin of the rules (`www/js/template.js`, which it needs
//! synchronously), and both pass every case of `tests/fixtures/templates/cases.json`.
//!
//! Reading a file: UTF-8 JSON (a leading byte-order mark skipped), one template or a list of
//! them, checked in a fixed order; the first problem is reported, with the error codes
//! `template-json`, `template-version`, `template-invalid` (see [`Error`]).
//!
//! Fitting an image of W × H pixels ([`Template::boxes_for`]):
//! - the template's own size: the boxes as they are;
//! - the same shape, |W1·H2 − W2·H1| ≤ min(W1, H1, W2, H2) in whole numbers (scaling either size
//!   to the other's width gives a height within one pixel of the other's, and the same for
//!   heights): each axis scaled by its own factor, the start rounded down and the end up (never
//!   less is covered), clipped to the image. 2560 × 1440 and 1280 × 720 match exactly;
//!   1920 × 1080 and 1366 × 768 (a 16:9 screen rounded to whole pixels) match; 1920 × 1080 and
//!   1024 × 768 do not, nor do a portrait and a landscape of one camera;
//! - any other shape: `template-aspect`, naming both sizes.
//!
//! The scaling is the page's, operation for operation, in doubles; every product is a whole
//! number below 2^53, so both are exact and agree to the pixel.

use super::colour::Rgb;
use super::error::{Error, Result};
use super::geometry::Rect;
use super::json::{quote, Json};
use super::limits::MAX_SIDE;
use serde::de::{self, Deserialize, Deserializer};

/// The only version of the file this Occlude reads.
pub const TEMPLATE_VERSION: u32 = 1;
/// Most boxes in one template.
pub const MAX_TEMPLATE_BOXES: usize = 200;
/// Longest name, in characters (Unicode code points).
pub const MAX_TEMPLATE_NAME: usize = 100;
/// Most templates in one file.
pub const MAX_TEMPLATES: usize = 100;
/// Largest template file read.
pub const MAX_TEMPLATE_FILE_BYTES: usize = 1024 * 1024;

/// The fields of a template and of a box; anything else is refused, not ignored (a misspelt
/// `fil` would otherwise leave the fill black without a word).
const FIELDS: [&str; 5] = ["version", "name", "size", "boxes", "fill"];
const BOX_FIELDS: [&str; 4] = ["x", "y", "width", "height"];

/// A named set of boxes for images of one size. Built only through the checks (a file, or
/// [`Template::new`]), so every template in hand is valid: a name of 1 to 100 characters with
/// no control characters, a size of 1 to 20 000 pixels a side, 1 to 200 boxes of whole pixels
/// inside that size.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    name: String,
    size: (u32, u32),
    boxes: Vec<Rect>,
    fill: Option<Rgb>,
}

/// A template file as read by a JSON parser, before its rules are checked: see
/// [`Template::read_file`]. Deserialize it with any serde JSON deserializer.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateDocument(Json);

impl<'de> Deserialize<'de> for TemplateDocument {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Json::deserialize(d).map(TemplateDocument)
    }
}

/// One template, checked by the file's rules (a list is refused: read a file that may hold
/// one with [`Template::read_file`]).
impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let json = Json::deserialize(d)?;
        check_template(&json, "").map_err(de::Error::custom)
    }
}

impl TemplateDocument {
    /// The templates the document holds, each checked; the first problem is the error.
    pub fn templates(&self) -> Result<Vec<Template>> {
        match &self.0 {
            Json::Array(list) => {
                if list.len() > MAX_TEMPLATES {
                    return Err(invalid(format!(
                        "the list holds {} templates; at most {MAX_TEMPLATES}",
                        list.len()
                    )));
                }
                list.iter()
                    .enumerate()
                    .map(|(i, t)| check_template(t, &format!("template {}: ", i + 1)))
                    .collect()
            }
            one @ Json::Object(_) => Ok(vec![check_template(one, "")?]),
            _ => Err(invalid(
                "the file must hold a template (an object) or a list of them".into(),
            )),
        }
    }
}

impl Template {
    /// A template of `boxes` on images of `size`, checked as a file's would be.
    pub fn new(name: &str, size: (u32, u32), boxes: &[Rect], fill: Option<Rgb>) -> Result<Self> {
        check_name(name).map_err(invalid)?;
        let size = (
            side(Some(f64::from(size.0)), "width").map_err(invalid)?,
            side(Some(f64::from(size.1)), "height").map_err(invalid)?,
        );
        box_count(boxes.len()).map_err(invalid)?;
        let boxes = boxes
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let numbers = [r.x, r.y, r.width, r.height].map(Some);
                checked_box(i + 1, numbers, size)
            })
            .collect::<std::result::Result<_, _>>()
            .map_err(invalid)?;
        Ok(Template {
            name: name.to_owned(),
            size,
            boxes,
            fill,
        })
    }

    /// Reads a template file: one template or a list of them. `parse` is the caller's JSON
    /// parser (the core has none); any error it returns is `template-json`. Its own recursion
    /// limit must not be below 128 levels, or deep files get another code than on the page.
    pub fn read_file<E>(
        bytes: &[u8],
        parse: impl FnOnce(&str) -> std::result::Result<TemplateDocument, E>,
    ) -> Result<Vec<Template>> {
        if bytes.len() > MAX_TEMPLATE_FILE_BYTES {
            return Err(invalid(format!(
                "the file is larger than {MAX_TEMPLATE_FILE_BYTES} bytes"
            )));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| Error::TemplateJson)?;
        // Editors on Windows start UTF-8 files with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        parse(text).map_err(|_| Error::TemplateJson)?.templates()
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    /// Width and height of the images the boxes were drawn on.
    pub fn size(&self) -> (u32, u32) {
        self.size
    }
    /// The boxes, in whole pixels of [`Template::size`].
    pub fn boxes(&self) -> &[Rect] {
        &self.boxes
    }
    /// The fill colour the template asks for, if any (the CLI's `--fill` overrides it).
    pub fn fill(&self) -> Option<Rgb> {
        self.fill
    }

    /// The boxes for an image of `width` × `height`: as they are at the template's size,
    /// scaled and rounded outwards at the same shape, `template-aspect` for another shape.
    pub fn boxes_for(&self, width: u32, height: u32) -> Result<Vec<Rect>> {
        let (tw, th) = self.size;
        if !same_shape((tw, th), (width, height)) {
            return Err(Error::TemplateAspect {
                detail: format!(
                    "the template {} is for {tw} × {th} images; this image is {width} × {height}, another shape",
                    quote(&self.name)
                ),
            });
        }
        if (tw, th) == (width, height) {
            return Ok(self.boxes.clone());
        }
        let (to_w, to_h, from_w, from_h) = (
            f64::from(width),
            f64::from(height),
            f64::from(tw),
            f64::from(th),
        );
        let down = |v: f64, to: f64, from: f64| ((v * to) / from).floor().max(0.0).min(to);
        let up = |v: f64, to: f64, from: f64| ((v * to) / from).ceil().max(0.0).min(to);
        Ok(self
            .boxes
            .iter()
            .map(|b| {
                let x0 = down(b.x, to_w, from_w);
                let y0 = down(b.y, to_h, from_h);
                let x1 = up(b.x + b.width, to_w, from_w);
                let y1 = up(b.y + b.height, to_h, from_h);
                Rect::new(x0, y0, x1 - x0, y1 - y0)
            })
            .collect())
    }

    /// The template of `templates` for an image of `width` × `height`: the first of its exact
    /// size, else the first of its shape. None fits: with one template, its own
    /// `template-aspect` error; with several, one naming the image's size and each template's.
    pub fn pick(templates: &[Template], width: u32, height: u32) -> Result<&Template> {
        let image = (width, height);
        if let Some(t) = templates.iter().find(|t| t.size == image) {
            return Ok(t);
        }
        if let Some(t) = templates.iter().find(|t| same_shape(t.size, image)) {
            return Ok(t);
        }
        match templates {
            [] => Err(invalid("there are no templates to choose from".into())),
            [one] => one.boxes_for(width, height).map(|_| one),
            many => {
                let sizes: Vec<String> = many
                    .iter()
                    .map(|t| format!("{} is for {} × {}", quote(&t.name), t.size.0, t.size.1))
                    .collect();
                Err(Error::TemplateAspect {
                    detail: format!(
                        "none of the {} templates is for images of this shape ({width} × {height}): {}",
                        many.len(),
                        sizes.join(", ")
                    ),
                })
            }
        }
    }
}

/// Whether two sizes are the same shape: |W1·H2 − W2·H1| ≤ min(W1, H1, W2, H2).
pub fn same_shape((w1, h1): (u32, u32), (w2, h2): (u32, u32)) -> bool {
    let (w1, h1, w2, h2) = (u64::from(w1), u64::from(h1), u64::from(w2), u64::from(h2));
    (w1 * h2).abs_diff(w2 * h1) <= w1.min(h1).min(w2).min(h2)
}

fn invalid(detail: String) -> Error {
    Error::TemplateInvalid { detail }
}

/// A number, or `None` for any other JSON value.
fn number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => Some(*n),
        _ => None,
    }
}

/// A whole number from `lo` to `hi` (2.0, 1e1 and -0 are whole).
fn whole(v: f64, lo: f64, hi: f64) -> bool {
    v.is_finite() && v.fract() == 0.0 && v >= lo && v <= hi
}

/// Checks one template (a JSON value) in the page's order; `at` prefixes the messages.
fn check_template(v: &Json, at: &str) -> Result<Template> {
    let bad = |detail: String| invalid(format!("{at}{detail}"));
    let Json::Object(t) = v else {
        return Err(bad("a template must be an object".into()));
    };
    // The version first, so a newer file says so rather than naming its new fields.
    match t.get("version").map(number) {
        None => {}
        Some(Some(n)) if n == f64::from(TEMPLATE_VERSION) => {}
        Some(Some(n)) if whole(n, f64::NEG_INFINITY, f64::INFINITY) => {
            return Err(Error::TemplateVersion {
                detail: format!(
                    "{at}version must be {TEMPLATE_VERSION} (the only version this Occlude reads)"
                ),
            })
        }
        Some(_) => return Err(bad(format!("version must be {TEMPLATE_VERSION}"))),
    }
    if let Some(k) = t.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(bad(format!("unknown field {}", quote(k))));
    }
    let name = match t.get("name") {
        None => Err("name is missing".to_string()),
        Some(Json::String(s)) => check_name(s).map(|()| s.clone()),
        Some(_) => Err("name must be text".to_string()),
    }
    .map_err(bad)?;
    let size = match t.get("size") {
        None => Err("size is missing".to_string()),
        Some(Json::Array(pair)) if pair.len() == 2 => side(number(&pair[0]), "width")
            .and_then(|w| side(number(&pair[1]), "height").map(|h| (w, h))),
        Some(_) => Err("size must be [width, height]".to_string()),
    }
    .map_err(bad)?;
    let boxes = match t.get("boxes") {
        None => Err("boxes is missing".to_string()),
        Some(Json::Array(list)) => box_count(list.len()).and_then(|()| {
            list.iter()
                .enumerate()
                .map(|(i, b)| json_box(i + 1, b, size))
                .collect()
        }),
        Some(_) => Err("boxes must be a list".to_string()),
    }
    .map_err(bad)?;
    let fill = match t.get("fill") {
        None => Ok(None),
        Some(Json::String(s)) => fill(s).map(Some),
        Some(_) => Err(FILL.to_string()),
    }
    .map_err(bad)?;
    Ok(Template {
        name,
        size,
        boxes,
        fill,
    })
}

/// JavaScript's `String.prototype.trim` whitespace (not quite Rust's: it has U+FEFF and
/// lacks U+0085), so "only spaces" means the same on the page and here.
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// A name: not only spaces, at most 100 characters, no control characters (C0, DEL, C1).
fn check_name(name: &str) -> std::result::Result<(), String> {
    if name.chars().all(js_space) {
        return Err("name is empty".into());
    }
    if name.chars().count() > MAX_TEMPLATE_NAME {
        return Err(format!(
            "name is longer than {MAX_TEMPLATE_NAME} characters"
        ));
    }
    if name
        .chars()
        .any(|c| c <= '\u{1f}' || ('\u{7f}'..='\u{9f}').contains(&c))
    {
        return Err("name holds a control character".into());
    }
    Ok(())
}

/// One side of the template's size.
fn side(v: Option<f64>, which: &str) -> std::result::Result<u32, String> {
    match v {
        // ok: whole and within 1..=20 000, so the cast is exact.
        Some(v) if whole(v, 1.0, f64::from(MAX_SIDE)) => Ok(v as u32),
        _ => Err(format!(
            "size: the {which} must be a whole number from 1 to {MAX_SIDE}"
        )),
    }
}

fn box_count(n: usize) -> std::result::Result<(), String> {
    if n == 0 {
        return Err("boxes is empty: a template needs at least one box".into());
    }
    if n > MAX_TEMPLATE_BOXES {
        return Err(format!(
            "boxes holds {n} boxes; at most {MAX_TEMPLATE_BOXES}"
        ));
    }
    Ok(())
}

/// Box `n` (counted from 1) of a file: an object of exactly x, y, width and height.
fn json_box(n: usize, b: &Json, size: (u32, u32)) -> std::result::Result<Rect, String> {
    let Json::Object(o) = b else {
        return Err(format!(
            r#"box {n} must be {{"x", "y", "width", "height"}}"#
        ));
    };
    if let Some(k) = o.keys().find(|k| !BOX_FIELDS.contains(&k.as_str())) {
        return Err(format!("box {n}: unknown field {}", quote(k)));
    }
    let mut numbers = [None; 4];
    for (slot, k) in numbers.iter_mut().zip(BOX_FIELDS) {
        let v = o.get(k).ok_or_else(|| format!("box {n}: {k} is missing"))?;
        // Checked field by field, so a later missing field does not hide an earlier bad one.
        *slot = Some(box_number(n, k, number(v))?);
    }
    checked_box(n, numbers.map(|v| v.map(f64::from)), size)
}

/// One number of box `n`: x and y from 0, width and height from 1, at most 20 000.
fn box_number(n: usize, k: &str, v: Option<f64>) -> std::result::Result<u32, String> {
    let lo = if k == "x" || k == "y" { 0 } else { 1 };
    match v {
        // ok: whole and within 0..=20 000, so the cast is exact (and -0 becomes 0).
        Some(v) if whole(v, f64::from(lo), f64::from(MAX_SIDE)) => Ok(v as u32),
        _ => Err(format!(
            "box {n}: {k} must be a whole number from {lo} to {MAX_SIDE}"
        )),
    }
}

/// Box `n` from its four numbers (x, y, width, height), inside the template's size.
fn checked_box(
    n: usize,
    numbers: [Option<f64>; 4],
    (w, h): (u32, u32),
) -> std::result::Result<Rect, String> {
    let mut v = [0u32; 4];
    for ((slot, k), number) in v.iter_mut().zip(BOX_FIELDS).zip(numbers) {
        *slot = box_number(n, k, number)?;
    }
    let [x, y, bw, bh] = v;
    // Each at most 20 000: the sums cannot overflow.
    if x + bw > w || y + bh > h {
        return Err(format!(
            "box {n} (x {x}, y {y}, width {bw}, height {bh}) reaches outside the size {w} × {h}"
        ));
    }
    Ok(Rect::new(
        f64::from(x),
        f64::from(y),
        f64::from(bw),
        f64::from(bh),
    ))
}

const FILL: &str = "fill must be a colour written #RRGGBB";

/// `#RRGGBB` exactly (the `#` required, unlike `--fill`).
fn fill(s: &str) -> std::result::Result<Rgb, String> {
    match s.strip_prefix('#') {
        Some(hex) if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            s.parse().map_err(|_| FILL.to_string())
        }
        _ => Err(FILL.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CLI's way of reading a file (serde_json, its recursion limit lifted).
    fn read(text: &str) -> Result<Vec<Template>> {
        Template::read_file(text.as_bytes(), |t| {
            let mut de = serde_json::Deserializer::from_str(t);
            de.disable_recursion_limit();
            let doc = TemplateDocument::deserialize(&mut de)?;
            de.end().map(|()| doc)
        })
    }

    fn r(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect::new(x, y, w, h)
    }

    fn one(size: (u32, u32), boxes: &[Rect]) -> Template {
        Template::new("T", size, boxes, None).unwrap()
    }

    fn message(e: Error) -> (String, &'static str) {
        (e.to_string(), e.code())
    }

    #[test]
    fn boxes_scale_outwards_at_odd_factors() {
        // 3 → 7: 1..2 becomes floor(7/3) = 2 .. ceil(14/3) = 5.
        let t = one((3, 3), &[r(1.0, 1.0, 1.0, 1.0)]);
        assert_eq!(t.boxes_for(7, 7).unwrap(), [r(2.0, 2.0, 3.0, 3.0)]);
        // 7 → 3: 3..4 becomes 1..2; the last pixel stays the last.
        let t = one((7, 7), &[r(3.0, 3.0, 1.0, 1.0), r(6.0, 6.0, 1.0, 1.0)]);
        assert_eq!(
            t.boxes_for(3, 3).unwrap(),
            [r(1.0, 1.0, 1.0, 1.0), r(2.0, 2.0, 1.0, 1.0)]
        );
        // 12 → 4 (⅓): 1..10 becomes 0.33..3.33, so 0..4 (the nearest would be 0..3).
        let t = one((12, 12), &[r(1.0, 1.0, 9.0, 9.0)]);
        assert_eq!(t.boxes_for(4, 4).unwrap(), [r(0.0, 0.0, 4.0, 4.0)]);
        // 192 × 128 → 96 × 64 (½): 3..44 → 1..22, 5..26 → 2..13.
        let t = one((192, 128), &[r(3.0, 5.0, 41.0, 21.0)]);
        assert_eq!(t.boxes_for(96, 64).unwrap(), [r(1.0, 2.0, 21.0, 11.0)]);
        // Each axis by its own factor: 1920 × 1080 → 1366 × 768.
        let t = one((1920, 1080), &[r(100.0, 50.0, 200.0, 40.0)]);
        assert_eq!(
            t.boxes_for(1366, 768).unwrap(),
            [r(71.0, 35.0, 143.0, 29.0)]
        );
        // Every scaled box covers at least the scaled area, at many sizes of one shape.
        let t = one(
            (160, 90),
            &[r(7.0, 3.0, 11.0, 13.0), r(159.0, 89.0, 1.0, 1.0)],
        );
        for w in (16..=1600).step_by(16) {
            let h = w * 9 / 16;
            for (b, s) in t.boxes.iter().zip(t.boxes_for(w, h).unwrap()) {
                let k = f64::from(w) / 160.0;
                assert!(
                    s.x <= b.x * k && s.x + s.width >= (b.x + b.width) * k,
                    "{w}: {s:?}"
                );
                assert!(s.x + s.width <= f64::from(w) && s.y + s.height <= f64::from(h));
            }
        }
    }

    #[test]
    fn another_shape_is_refused_naming_both_sizes() {
        let t = Template::new(
            "Cirrus report",
            (2560, 1440),
            &[r(0.0, 0.0, 1.0, 1.0)],
            None,
        )
        .unwrap();
        let e = t.boxes_for(1024, 1024).unwrap_err();
        assert_eq!(
            message(e),
            (
                "the template \"Cirrus report\" is for 2560 × 1440 images; this image is 1024 × 1024, another shape".into(),
                "template-aspect"
            )
        );
        assert!(same_shape((101, 50), (203, 100)));
        assert!(!same_shape((101, 50), (201, 99)));
        assert!(!same_shape((4000, 3000), (3000, 4000)));
        assert!(same_shape((20_000, 1), (20_000, 1)));
    }

    #[test]
    fn pick_takes_the_exact_size_then_the_shape() {
        let list = [
            Template::new("Half", (1280, 720), &[r(0.0, 0.0, 2.0, 2.0)], None).unwrap(),
            Template::new("Square", (100, 100), &[r(0.0, 0.0, 2.0, 2.0)], None).unwrap(),
            Template::new("Full", (2560, 1440), &[r(0.0, 0.0, 2.0, 2.0)], None).unwrap(),
        ];
        assert_eq!(Template::pick(&list, 2560, 1440).unwrap().name(), "Full");
        assert_eq!(Template::pick(&list, 1920, 1080).unwrap().name(), "Half");
        assert_eq!(Template::pick(&list, 50, 50).unwrap().name(), "Square");
        let e = Template::pick(&list, 1024, 768).unwrap_err();
        assert_eq!(
            message(e),
            ("none of the 3 templates is for images of this shape (1024 × 768): \"Half\" is for 1280 × 720, \"Square\" is for 100 × 100, \"Full\" is for 2560 × 1440".into(), "template-aspect")
        );
        let e = Template::pick(&list[1..2], 1024, 768).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the template \"Square\" is for 100 × 100 images; this image is 1024 × 768, another shape"
        );
        assert_eq!(
            Template::pick(&[], 10, 10).unwrap_err().code(),
            "template-invalid"
        );
    }

    #[test]
    fn new_checks_as_a_file_is_checked() {
        let ok = [r(0.0, 0.0, 1.0, 1.0)];
        let cases: Vec<(Result<Template>, &str)> = vec![
            (
                Template::new(" \u{feff}\u{3000}", (2, 2), &ok, None),
                "name is empty",
            ),
            (
                Template::new("a\u{85}", (2, 2), &ok, None),
                "name holds a control character",
            ),
            (
                Template::new(&"é".repeat(101), (2, 2), &ok, None),
                "name is longer than 100 characters",
            ),
            (
                Template::new("A", (0, 2), &ok, None),
                "size: the width must be a whole number from 1 to 20000",
            ),
            (
                Template::new("A", (2, 20_001), &ok, None),
                "size: the height must be a whole number from 1 to 20000",
            ),
            (
                Template::new("A", (2, 2), &[], None),
                "boxes is empty: a template needs at least one box",
            ),
            (
                Template::new("A", (2, 2), &vec![ok[0]; 201], None),
                "boxes holds 201 boxes; at most 200",
            ),
            (
                Template::new("A", (2, 2), &[r(0.0, 0.5, 1.0, 1.0)], None),
                "box 1: y must be a whole number from 0 to 20000",
            ),
            (
                Template::new("A", (2, 2), &[r(0.0, 0.0, f64::NAN, 1.0)], None),
                "box 1: width must be a whole number from 1 to 20000",
            ),
            (
                Template::new("A", (2, 2), &[ok[0], r(1.0, 0.0, 2.0, 1.0)], None),
                "box 2 (x 1, y 0, width 2, height 1) reaches outside the size 2 × 2",
            ),
        ];
        for (got, want) in cases {
            let e = got.unwrap_err();
            assert_eq!(message(e), (want.to_string(), "template-invalid"));
        }
        let t = Template::new(
            &"é".repeat(100),
            (2, 2),
            &vec![ok[0]; 200],
            Some(Rgb::WHITE),
        )
        .unwrap();
        assert_eq!(
            (t.size(), t.boxes().len(), t.fill()),
            ((2, 2), 200, Some(Rgb::WHITE))
        );
    }

    #[test]
    fn files_one_template_or_a_list() {
        let text = r##"{"version": 1, "name": "Cirrus report", "size": [2560, 1440],
            "boxes": [{"x": 40, "y": 20, "width": 600, "height": 48}], "fill": "#FF0000"}"##;
        let t = read(text).unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].name(), "Cirrus report");
        assert_eq!(t[0].boxes(), [r(40.0, 20.0, 600.0, 48.0)]);
        assert_eq!(t[0].fill().map(|c| c.to_string()), Some("#ff0000".into()));
        let list = format!("\u{feff}[{text}, {text}]");
        assert_eq!(read(&list).unwrap().len(), 2);
        // One template through serde alone; a list is not one template.
        let t: Template = serde_json::from_str(text).unwrap();
        assert_eq!(t.size(), (2560, 1440));
        let e = serde_json::from_str::<Template>(&list[3..]).unwrap_err();
        assert!(
            e.to_string().contains("a template must be an object"),
            "{e}"
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let code = |bytes: &[u8]| {
            Template::read_file(bytes, |t| serde_json::from_str::<TemplateDocument>(t))
                .unwrap_err()
                .code()
        };
        assert_eq!(code(b"\xff\xfe{\0}\0"), "template-json"); // UTF-16
        assert_eq!(code(b"{\"name\": \"\xe9\"}"), "template-json"); // Latin-1
        assert_eq!(code(b"{} {}"), "template-json");
        let big = format!("[{}0]", " ".repeat(MAX_TEMPLATE_FILE_BYTES));
        assert_eq!(
            message(Template::read_file(big.as_bytes(), |_| Err(())).unwrap_err()),
            (
                "the file is larger than 1048576 bytes".into(),
                "template-invalid"
            )
        );
        // Nesting: 128 levels are read (and are no template), 129 are not JSON to us, as on the
        // page, though serde_json alone stops at 127.
        let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(
            message(read(&nest(128)).unwrap_err()),
            (
                "template 1: a template must be an object".into(),
                "template-invalid"
            )
        );
        assert_eq!(read(&nest(129)).unwrap_err().code(), "template-json");
    }
}
