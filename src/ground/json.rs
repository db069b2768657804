//! A JSON document held as plain values, read through serde by whatever JSON parser the caller
//! has (the CLI's serde_json; the core carries no parser of its own, so the wasm modules stay
//! free of one). Only what the template rules need: the values as JavaScript's `JSON.parse`
//! sees them (every number a double, the last of a repeated key), nesting limited as the page
//! limits it, and strings quoted for messages as `JSON.stringify` quotes them.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// Most levels of arrays and objects inside one another; one more is not read (the page's
/// `MAX_DEPTH`; a reader's own recursion limit must not be lower, see the CLI).
pub const MAX_DEPTH: usize = 128;

/// One JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// Every number as the nearest double, as JavaScript reads it.
    Number(f64),
    String(String),
    Array(Vec<Json>),
    /// Keys in code-point order (Rust's `str` order); a key given twice keeps its last value.
    Object(BTreeMap<String, Json>),
}

impl<'de> de::Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        Level(0).deserialize(d)
    }
}

/// Reads a value found `0` levels deep (the document itself is level 0).
struct Level(usize);

impl Level {
    /// The level of what an array or object at this level holds, or an error past the limit.
    fn inner<E: de::Error>(&self) -> Result<Level, E> {
        if self.0 >= MAX_DEPTH {
            return Err(E::custom(format!("nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(Level(self.0 + 1))
    }
}

impl<'de> DeserializeSeed<'de> for Level {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Level {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    // Integers become the nearest double, which is what JavaScript makes of the same digits.
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        if v.is_finite() {
            Ok(Json::Number(v))
        } else {
            Err(E::custom("a number JSON cannot hold"))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let inner = self.inner()?;
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Level(inner.0))? {
            items.push(v);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let inner = self.inner()?;
        let mut object = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Level(inner.0))?;
            object.insert(key, value);
        }
        Ok(Json::Object(object))
    }
}

/// `s` as a JSON string, quoted and escaped exactly as JavaScript's `JSON.stringify` does
/// (messages name a template or a field this way on the page and in the CLI alike).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Json, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        de.disable_recursion_limit();
        let v = <Json as de::Deserialize>::deserialize(&mut de)?;
        de.end()?;
        Ok(v)
    }

    #[test]
    fn values_as_javascript_sees_them() {
        let v = read(r#"{"b": [1, -0, 2.5, 1e1, 18446744073709551617], "a": null, "b": true}"#)
            .unwrap();
        let Json::Object(o) = v else {
            panic!("not an object: {v:?}")
        };
        // The last of a repeated key wins, as with JSON.parse; keys come out in order.
        assert_eq!(o.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(o["b"], Json::Bool(true));
        let v = read("[1, -0, 2.5, 1e1, 18446744073709551617]").unwrap();
        assert_eq!(
            v,
            Json::Array(vec![
                Json::Number(1.0),
                Json::Number(0.0),
                Json::Number(2.5),
                Json::Number(10.0),
                Json::Number(18446744073709551616.0),
            ])
        );
    }

    #[test]
    fn nesting_stops_after_the_limit() {
        let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(read(&nest(MAX_DEPTH)).is_ok());
        assert!(read(&nest(MAX_DEPTH + 1)).is_err());
        let objects = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
        assert!(read(&objects(MAX_DEPTH)).is_ok());
        assert!(read(&objects(MAX_DEPTH + 1)).is_err());
        // Far deeper still ends in an error, not a stack overflow.
        assert!(read(&nest(100_000)).is_err());
    }

    #[test]
    fn quotes_as_json_stringify() {
        assert_eq!(quote("Cirrus report"), r#""Cirrus report""#);
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("\n\t\u{1}\u{7f}é👁"), "\"\\n\\t\\u0001\u{7f}é👁\"");
    }
}
