//! Template files against the shared conformance cases (`tests/fixtures/templates/cases.json`,
//! written with the page's `www/js/template.js`, which runs the same cases): every case is read
//! the way the CLI reads a file and must give exactly the templates, the fitted boxes or the
//! error code and message the case expects, so the page and the CLI agree.

mod common;

use common::{template_case_text, template_cases};
use occlude::{Template, TemplateDocument};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// The CLI's reader (src/bin/occlude.rs, `read_templates`): serde_json with its recursion
/// limit lifted, the core's rules stopping at 128 levels.
fn read(text: &str) -> occlude::Result<Vec<Template>> {
    Template::read_file(text.as_bytes(), |t| {
        let mut de = serde_json::Deserializer::from_str(t);
        de.disable_recursion_limit();
        let doc = TemplateDocument::deserialize(&mut de)?;
        de.end().map(|()| doc)
    })
}

fn error_json(e: &occlude::Error) -> Value {
    serde_json::json!({"code": e.code(), "message": e.to_string()})
}

fn boxes_json(boxes: &[occlude::Rect]) -> Value {
    boxes
        .iter()
        .map(|b| {
            for v in [b.x, b.y, b.width, b.height] {
                assert!(v.fract() == 0.0 && v >= 0.0, "not whole pixels: {b:?}");
            }
            serde_json::json!({"x": b.x as u64, "y": b.y as u64, "width": b.width as u64, "height": b.height as u64})
        })
        .collect()
}

fn template_json(t: &Template) -> Value {
    serde_json::json!({
        "name": t.name(),
        "size": [t.size().0, t.size().1],
        "fill": t.fill().map(|c| c.to_string()),
        "boxes": boxes_json(t.boxes()),
    })
}

#[test]
fn every_conformance_case() {
    let cases = template_cases();
    let mut ids = BTreeSet::new();
    let mut failures = Vec::new();
    let (mut refused, mut applied) = (0, 0);
    for case in &cases {
        let id = case["id"].as_str().expect("every case has an id");
        assert!(ids.insert(id), "case {id} twice");
        let expect = &case["expect"];
        let got = read(&template_case_text(case));
        let problem = match got {
            Err(e) if expect.get("error").is_some() => {
                refused += 1;
                (error_json(&e) != expect["error"])
                    .then(|| format!("error {}, expected {}", error_json(&e), expect["error"]))
            }
            Err(e) => Some(format!("refused: {}", error_json(&e))),
            Ok(t) if expect.get("boxCount").is_some() => {
                let n: Vec<usize> = t.iter().map(|t| t.boxes().len()).collect();
                let want = expect["boxCount"].as_u64().map(|n| vec![n as usize]);
                (Some(n.clone()) != want).then(|| format!("box count {n:?}, expected {want:?}"))
            }
            Ok(t) if expect.get("templates").is_some() => {
                let read: Value = t.iter().map(template_json).collect();
                if read != expect["templates"] {
                    Some(format!("read {read}, expected {}", expect["templates"]))
                } else if let Some(target) = case.get("target") {
                    applied += 1;
                    let w = target[0].as_u64().expect("target width") as u32;
                    let h = target[1].as_u64().expect("target height") as u32;
                    let got: Value = t
                        .iter()
                        .map(|t| match t.boxes_for(w, h) {
                            Ok(b) => serde_json::json!({"boxes": boxes_json(&b)}),
                            Err(e) => serde_json::json!({"error": error_json(&e)}),
                        })
                        .collect();
                    (got != expect["applied"])
                        .then(|| format!("applied {got}, expected {}", expect["applied"]))
                } else {
                    None
                }
            }
            Ok(_) => Some(format!("read, but the case expects {expect}")),
        };
        if let Some(p) = problem {
            failures.push(format!("{id}: {p}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
    // The file was read whole: its cases of every kind ran.
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    assert!(
        refused >= 40 && applied >= 8,
        "{refused} refused, {applied} applied"
    );
}
