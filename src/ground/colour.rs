//! sRGB colours as the API takes them: `#RRGGBB` strings in and out, three bytes inside.

use super::error::{Error, Result};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Rgb {
    pub const BLACK: Rgb = Rgb { r: 0, g: 0, b: 0 };
    pub const WHITE: Rgb = Rgb {
        r: 255,
        g: 255,
        b: 255,
    };

    pub fn to_array(self) -> [u8; 3] {
        [self.r, self.g, self.b]
    }
}

impl FromStr for Rgb {
    type Err = Error;
    /// Parses `RRGGBB` or `#RRGGBB` (hex digits, either case).
    fn from_str(s: &str) -> Result<Rgb> {
        let hex = s.strip_prefix('#').unwrap_or(s);
        let bad = || Error::BadOption {
            detail: format!("colour {s:?} is not of the form #RRGGBB"),
        };
        if hex.len() != 6 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        Ok(Rgb {
            r: byte(0)?,
            g: byte(2)?,
            b: byte(4)?,
        })
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl Serialize for Rgb {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Rgb, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(
            "#FF8000".parse::<Rgb>(),
            Ok(Rgb {
                r: 255,
                g: 128,
                b: 0
            })
        );
        assert_eq!(
            "00ff00".parse::<Rgb>().map(|c| c.to_string()),
            Ok("#00ff00".into())
        );
        assert!("#12345".parse::<Rgb>().is_err());
        assert!("#12345g".parse::<Rgb>().is_err());
        assert!("#ééé".parse::<Rgb>().is_err());
    }
}
