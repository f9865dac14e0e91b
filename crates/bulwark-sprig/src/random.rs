//! Sprig's random values: `randAlphaNum`, `randAlpha`, `randNumeric`, `randAscii` (goutils'
//! crypto-random strings), `randInt`, `shuffle` and `uuidv4`, all from the OS generator.

use bulwark_gotmpl::{FuncError, FuncMap, ParamType, Signature, Value};
use rand::Rng as _;
use rand::rngs::OsRng;
use rand::seq::SliceRandom as _;

use crate::args::{int_arg, str_arg};

const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGITS: &[u8] = b"0123456789";
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `count` characters drawn uniformly from `alphabet`; empty for a negative count (goutils
/// reports an error that Sprig drops).
pub fn random_string(count: i64, alphabet: &[u8]) -> String {
    if count <= 0 || alphabet.is_empty() {
        return String::new();
    }
    let mut rng = OsRng;
    (0..count)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// Printable ASCII, `' '` to `'~'` (goutils' `CryptoRandomAscii`).
fn ascii() -> Vec<u8> {
    (32u8..127).collect()
}

/// A version 4 UUID in its canonical lower-case form.
pub fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    rand::RngCore::fill_bytes(&mut OsRng, &mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Registers the random group.
pub(crate) fn register(map: &mut FuncMap) {
    use ParamType::{Int, String as Str};
    map.insert_fn("randAlphaNum", Signature::fixed(&[Int]), |_, a| {
        Ok(Value::from(random_string(int_arg(&a, 0), ALPHANUMERIC)))
    });
    map.insert_fn("randAlpha", Signature::fixed(&[Int]), |_, a| {
        Ok(Value::from(random_string(int_arg(&a, 0), LETTERS)))
    });
    map.insert_fn("randNumeric", Signature::fixed(&[Int]), |_, a| {
        Ok(Value::from(random_string(int_arg(&a, 0), DIGITS)))
    });
    map.insert_fn("randAscii", Signature::fixed(&[Int]), |_, a| {
        Ok(Value::from(random_string(int_arg(&a, 0), &ascii())))
    });
    map.insert_fn("randInt", Signature::fixed(&[Int, Int]), |_, a| {
        let (min, max) = (int_arg(&a, 0), int_arg(&a, 1));
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(FuncError::new("invalid argument to Intn"));
        }
        Ok(Value::Int(OsRng.gen_range(0..n) + min))
    });
    map.insert_fn("shuffle", Signature::fixed(&[Str]), |_, a| {
        let mut chars: Vec<char> = str_arg(&a, 0).chars().collect();
        chars.shuffle(&mut OsRng);
        Ok(Value::from(chars.into_iter().collect::<String>()))
    });
    map.insert_fn("uuidv4", Signature::fixed(&[]), |_, _| {
        Ok(Value::from(uuid_v4()))
    });
}
