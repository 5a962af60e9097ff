//! Fingerprints of values, for the dev server's memos: two values with the same
//! fingerprint are taken to be the same.
//!
//! Takes any [`Serialize`] value; produces a 128-bit XXH3 hash of its serde form: every
//! item with a tag, every string with its length, so no two different values give the
//! same bytes. The bytes are gathered in a buffer kept per thread and hashed at once
//! (XXH3 is fastest over one long input); nothing is escaped, which JSON would do for
//! every page body. Rejects nothing; a
//! value whose `Serialize` fails gets a fingerprint of its own that matches nothing
//! stored (see [`fingerprint`]).

use std::cell::RefCell;

use serde::ser::{self, Serialize};
use xxhash_rust::xxh3::xxh3_128;

thread_local! {
    /// The bytes of the value being fingerprinted (kept, so that its room is reused).
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A fingerprint of `value`, mixed with `seed`. Never 0: 0 is what a value that fails
/// to serialize gets, and stored fingerprints are never 0.
pub fn fingerprint<T: Serialize + ?Sized>(seed: u128, value: &T) -> u128 {
    let with = |buffer: &mut Vec<u8>| {
        buffer.clear();
        buffer.extend_from_slice(&seed.to_le_bytes());
        match value.serialize(Feed(buffer)) {
            Ok(()) => xxh3_128(buffer) | 1,
            Err(_) => 0,
        }
    };
    // A `Serialize` that fingerprints something itself gets a buffer of its own.
    BUFFER.with(|b| match b.try_borrow_mut() {
        Ok(mut buffer) => with(&mut buffer),
        Err(_) => with(&mut Vec::new()),
    })
}

/// Serializing into a byte buffer.
struct Feed<'a>(&'a mut Vec<u8>);

/// Why a value could not be fed (its own `Serialize` said so).
#[derive(Debug)]
struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the value could not be serialized")
    }
}

impl std::error::Error for Failed {}

impl ser::Error for Failed {
    fn custom<T: std::fmt::Display>(_: T) -> Failed {
        Failed
    }
}

/// What each item starts with, so that items of different kinds never feed alike.
#[repr(u8)]
enum Tag {
    Bool,
    Int,
    Uint,
    Float,
    Char,
    Str,
    Bytes,
    None,
    Some,
    Unit,
    Variant,
    Seq,
    Map,
    End,
}

impl Feed<'_> {
    fn tag(&mut self, t: Tag) {
        self.0.extend_from_slice(&[t as u8]);
    }

    fn len(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u64).to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.tag(Tag::Str);
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn variant(&mut self, index: u32) {
        self.tag(Tag::Variant);
        self.0.extend_from_slice(&index.to_le_bytes());
    }

    fn reborrow(&mut self) -> Feed<'_> {
        Feed(self.0)
    }
}

/// Serializer methods that pass a number on, widened, to another method.
macro_rules! widen {
    ($($($f:ident($t:ty)),+ => $to:ident);+) => {$($(
        fn $f(self, v: $t) -> Result<(), Failed> {
            self.$to(v.into())
        }
    )+)+};
}

impl<'a> ser::Serializer for Feed<'a> {
    type Ok = ();
    type Error = Failed;
    type SerializeSeq = Feed<'a>;
    type SerializeTuple = Feed<'a>;
    type SerializeTupleStruct = Feed<'a>;
    type SerializeTupleVariant = Feed<'a>;
    type SerializeMap = Feed<'a>;
    type SerializeStruct = Feed<'a>;
    type SerializeStructVariant = Feed<'a>;

    fn serialize_bool(mut self, v: bool) -> Result<(), Failed> {
        self.tag(Tag::Bool);
        self.0.extend_from_slice(&[u8::from(v)]);
        Ok(())
    }
    // Narrower numbers feed as the widest of their kind, so `1u8` and `1u64` agree.
    widen!(
        serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64) => serialize_i128;
        serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64) => serialize_u128;
        serialize_f32(f32) => serialize_f64
    );
    fn serialize_i128(mut self, v: i128) -> Result<(), Failed> {
        self.tag(Tag::Int);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(mut self, v: u128) -> Result<(), Failed> {
        self.tag(Tag::Uint);
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f64(mut self, v: f64) -> Result<(), Failed> {
        self.tag(Tag::Float);
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(mut self, v: char) -> Result<(), Failed> {
        self.tag(Tag::Char);
        self.0.extend_from_slice(&u32::from(v).to_le_bytes());
        Ok(())
    }
    /// Not for people to read: a value may feed a digest of itself instead of its
    /// fields (see the render context's page summaries).
    fn is_human_readable(&self) -> bool {
        false
    }

    /// Written straight into the buffer (dates, for one), not through a `String`: the
    /// same bytes as [`ser::Serializer::serialize_str`] of the text.
    fn collect_str<T: std::fmt::Display + ?Sized>(mut self, value: &T) -> Result<(), Failed> {
        use std::io::Write;
        self.tag(Tag::Str);
        let at = self.0.len();
        self.len(0);
        write!(self.0, "{value}").map_err(|_| Failed)?;
        let n = (self.0.len() - at - 8) as u64;
        self.0[at..at + 8].copy_from_slice(&n.to_le_bytes());
        Ok(())
    }

    fn serialize_str(mut self, v: &str) -> Result<(), Failed> {
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(mut self, v: &[u8]) -> Result<(), Failed> {
        self.tag(Tag::Bytes);
        self.len(v.len());
        self.0.extend_from_slice(v);
        Ok(())
    }
    fn serialize_none(mut self) -> Result<(), Failed> {
        self.tag(Tag::None);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(mut self, value: &T) -> Result<(), Failed> {
        self.tag(Tag::Some);
        value.serialize(self)
    }
    fn serialize_unit(mut self) -> Result<(), Failed> {
        self.tag(Tag::Unit);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Failed> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        mut self,
        _: &'static str,
        i: u32,
        _: &'static str,
    ) -> Result<(), Failed> {
        self.variant(i);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        i: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        self.variant(i);
        value.serialize(self)
    }
    fn serialize_seq(mut self, _: Option<usize>) -> Result<Feed<'a>, Failed> {
        self.tag(Tag::Seq);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Feed<'a>, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Feed<'a>, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        mut self,
        _: &'static str,
        i: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Feed<'a>, Failed> {
        self.variant(i);
        self.serialize_seq(None)
    }
    fn serialize_map(mut self, _: Option<usize>) -> Result<Feed<'a>, Failed> {
        self.tag(Tag::Map);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Feed<'a>, Failed> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        mut self,
        _: &'static str,
        i: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Feed<'a>, Failed> {
        self.variant(i);
        self.serialize_map(None)
    }
}

// Sequences and maps feed each item after a tag of its own kind and end with
// `Tag::End`, so `[[a], b]` and `[[a, b]]` differ; skipped struct fields feed nothing,
// as they show nothing to a template.
macro_rules! items {
    ($($t:ident :: $f:ident),*) => {$(
        impl ser::$t for Feed<'_> {
            type Ok = ();
            type Error = Failed;
            fn $f<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
                self.tag(Tag::Seq);
                value.serialize(self.reborrow())
            }
            fn end(mut self) -> Result<(), Failed> {
                self.tag(Tag::End);
                Ok(())
            }
        }
    )*};
}
items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Feed<'_> {
    type Ok = ();
    type Error = Failed;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Failed> {
        self.tag(Tag::Map);
        key.serialize(self.reborrow())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        value.serialize(self.reborrow())
    }
    fn end(mut self) -> Result<(), Failed> {
        self.tag(Tag::End);
        Ok(())
    }
}

macro_rules! fields {
    ($($t:ident),*) => {$(
        impl ser::$t for Feed<'_> {
            type Ok = ();
            type Error = Failed;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Failed> {
                self.tag(Tag::Map);
                self.str(key);
                value.serialize(self.reborrow())
            }
            fn end(mut self) -> Result<(), Failed> {
                self.tag(Tag::End);
                Ok(())
            }
        }
    )*};
}
fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn the_same_value_gives_the_same_fingerprint_and_the_seed_counts() {
        let a = fingerprint(1, &("page", 1));
        assert_eq!(a, fingerprint(1, &("page", 1)));
        assert_ne!(a, fingerprint(1, &("page", 2)));
        assert_ne!(a, fingerprint(2, &("page", 1)));
        assert_ne!(a, 0);
    }

    #[test]
    fn values_that_json_would_tell_apart_get_different_fingerprints() {
        let f = |v: serde_json::Value| fingerprint(0, &v);
        let pairs = [
            (
                serde_json::json!(["ab", "c"]),
                serde_json::json!(["a", "bc"]),
            ),
            (
                serde_json::json!([["a"], "b"]),
                serde_json::json!([["a", "b"]]),
            ),
            (
                serde_json::json!({"a": "b", "c": "d"}),
                serde_json::json!({"a": "bc", "": "d"}),
            ),
            (serde_json::json!([1]), serde_json::json!(["1"])),
            (serde_json::json!(1), serde_json::json!(1.0)),
            (serde_json::json!(null), serde_json::json!([])),
            (serde_json::json!({}), serde_json::json!([])),
            (serde_json::json!(true), serde_json::json!(1)),
        ];
        for (a, b) in pairs {
            assert_ne!(f(a.clone()), f(b.clone()), "{a} and {b}");
        }
        #[derive(serde::Serialize)]
        struct S {
            a: Option<String>,
            b: Option<String>,
        }
        let s = |a: Option<&str>, b: Option<&str>| {
            fingerprint(
                0,
                &S {
                    a: a.map(Into::into),
                    b: b.map(Into::into),
                },
            )
        };
        assert_ne!(s(Some("x"), None), s(None, Some("x")));
        let m =
            |k: &str, v: &str| fingerprint(0, &BTreeMap::from([(k.to_string(), v.to_string())]));
        assert_ne!(m("ab", "c"), m("a", "bc"));
    }

    #[test]
    fn text_written_through_display_feeds_like_the_same_string() {
        struct Shown(&'static str);
        impl Serialize for Shown {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self.0)
            }
        }
        for text in ["", "2026-11-27", "twee woorden"] {
            assert_eq!(
                fingerprint(3, &(Shown(text), 1)),
                fingerprint(3, &(text, 1))
            );
        }
        assert_ne!(
            fingerprint(3, &(Shown("ab"), "c")),
            fingerprint(3, &(Shown("a"), "bc"))
        );
    }

    #[test]
    fn a_value_that_fails_to_serialize_matches_nothing_stored() {
        struct Refuses;
        impl Serialize for Refuses {
            fn serialize<S: ser::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(ser::Error::custom("no"))
            }
        }
        assert_eq!(fingerprint(7, &Refuses), 0);
    }
}
