//! Exact decimal numbers as DynamoDB keeps them: at most 38 significant digits, magnitudes from
//! 1E-130 up to 9.9999999999999999999999999999999999999E+125, plus zero.
//!
//! A value is `±coefficient × 10^exponent` with the coefficient stripped of trailing zeros, so
//! every value has exactly one representation and the derived `Eq`/`Hash` compare by value.
//! 38 digits always fit a `u128` (10^38 < 2^127).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Most significant digits a Number may hold.
pub const MAX_DIGITS: usize = 38;
/// Largest allowed exponent of the leading digit (scientific notation).
pub const MAX_EXPONENT: i32 = 125;
/// Smallest allowed exponent of the leading digit.
pub const MIN_EXPONENT: i32 = -130;

/// Exponents in text are clamped here: far past any valid magnitude, far from i64 overflow.
const EXPONENT_CLAMP: i64 = 1 << 40;

const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// AWS's wording where it does not echo the text; `parse` reports `NotANumber` or `Empty`.
    #[error("A value provided cannot be converted into a number")]
    Invalid,
    /// Text that is not a decimal number; AWS echoes the text back.
    #[error("The parameter cannot be converted to a numeric value: {0}")]
    NotANumber(String),
    #[error("The parameter cannot be converted to a numeric value")]
    Empty,
    #[error("Attempting to store more than 38 significant digits in a Number")]
    TooManyDigits,
    #[error(
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )]
    Overflow,
    #[error(
        "Number underflow. Attempting to store a number with magnitude smaller than supported range"
    )]
    Underflow,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number {
    negative: bool,
    /// Significant digits; no trailing zeros; 0 only for zero.
    coefficient: u128,
    /// Power of ten of the coefficient's last digit; 0 for zero.
    exponent: i32,
}

fn digit_count(c: u128) -> u32 {
    if c == 0 { 1 } else { c.ilog10() + 1 }
}

impl Number {
    pub fn zero() -> Number {
        Number {
            negative: false,
            coefficient: 0,
            exponent: 0,
        }
    }

    /// Parses DynamoDB number text: optional sign, digits with at most one point (`1.`, `.5`
    /// allowed), optional exponent. No spaces, no NaN/Infinity, no hex.
    pub fn parse(text: &str) -> Result<Number, NumberError> {
        let b = text.as_bytes();
        if b.is_empty() {
            return Err(NumberError::Empty);
        }
        let invalid = || NumberError::NotANumber(text.to_owned());
        let mut i = 0;
        let negative = match b[0] {
            b'-' => {
                i = 1;
                true
            }
            b'+' => {
                i = 1;
                false
            }
            _ => false,
        };
        let mantissa_start = i;
        let mut total: i64 = 0;
        let mut int_len: Option<i64> = None;
        let mut first_nz: Option<i64> = None;
        let mut last_nz: i64 = 0;
        while i < b.len() {
            match b[i] {
                c @ b'0'..=b'9' => {
                    if c != b'0' {
                        if first_nz.is_none() {
                            first_nz = Some(total);
                        }
                        last_nz = total;
                    }
                    total += 1;
                }
                b'.' if int_len.is_none() => int_len = Some(total),
                _ => break,
            }
            i += 1;
        }
        let mantissa_end = i;
        if total == 0 {
            return Err(invalid());
        }
        let int_len = int_len.unwrap_or(total);
        let mut exp10: i64 = 0;
        if i < b.len() {
            if b[i] != b'e' && b[i] != b'E' {
                return Err(invalid());
            }
            i += 1;
            let exp_negative = match b.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                exp10 = (exp10 * 10 + i64::from(b[i] - b'0')).min(EXPONENT_CLAMP);
                i += 1;
            }
            if i == start || i != b.len() {
                return Err(invalid());
            }
            if exp_negative {
                exp10 = -exp10;
            }
        }
        let Some(first_nz) = first_nz else {
            return Ok(Number::zero());
        };
        let frac_len = total - int_len;
        let last_exponent = exp10 - frac_len + (total - 1 - last_nz);
        let ndigits = last_nz - first_nz + 1;
        check_range(last_exponent + ndigits - 1)?;
        if ndigits > MAX_DIGITS as i64 {
            return Err(NumberError::TooManyDigits);
        }
        let mut coefficient: u128 = 0;
        let mut idx: i64 = 0;
        for &c in &b[mantissa_start..mantissa_end] {
            if c == b'.' {
                continue;
            }
            if idx >= first_nz && idx <= last_nz {
                coefficient = coefficient * 10 + u128::from(c - b'0');
            }
            idx += 1;
        }
        Ok(Number {
            negative,
            coefficient,
            // check_range bounds it to a few hundred
            exponent: last_exponent as i32,
        })
    }

    pub fn from_i64(v: i64) -> Number {
        // 19 digits at exponent 0 are always within limits
        Number::normalized(v < 0, u128::from(v.unsigned_abs()), 0)
    }

    /// Builds a value from sign, significant digits (0..=9, most significant first) and the
    /// exponent of the leading digit, checking DynamoDB's limits.
    pub fn from_digits(
        negative: bool,
        digits: &[u8],
        leading_exponent: i32,
    ) -> Result<Number, NumberError> {
        let digits = {
            let start = digits.iter().position(|&d| d != 0);
            let end = digits.iter().rposition(|&d| d != 0);
            match (start, end) {
                (Some(s), Some(e)) => &digits[s..=e],
                _ => return Ok(Number::zero()),
            }
        };
        if digits.iter().any(|&d| d > 9) {
            return Err(NumberError::Invalid);
        }
        check_range(i64::from(leading_exponent))?;
        if digits.len() > MAX_DIGITS {
            return Err(NumberError::TooManyDigits);
        }
        let coefficient = digits
            .iter()
            .fold(0u128, |acc, &d| acc * 10 + u128::from(d));
        Ok(Number {
            negative,
            coefficient,
            exponent: leading_exponent - (digits.len() as i32 - 1),
        })
    }

    /// Strips trailing zeros; the caller guarantees the result is within limits.
    fn normalized(negative: bool, mut coefficient: u128, mut exponent: i32) -> Number {
        if coefficient == 0 {
            return Number::zero();
        }
        while coefficient.is_multiple_of(10) {
            coefficient /= 10;
            exponent += 1;
        }
        Number {
            negative,
            coefficient,
            exponent,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.coefficient == 0
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Count of significant digits (1 for zero).
    pub fn digit_count(&self) -> usize {
        digit_count(self.coefficient) as usize
    }

    /// Exponent of the leading digit in scientific notation (0 for zero).
    pub fn leading_exponent(&self) -> i32 {
        if self.is_zero() {
            0
        } else {
            self.exponent + digit_count(self.coefficient) as i32 - 1
        }
    }

    /// Writes the significant digits, most significant first, and returns how many.
    pub fn digits_into(&self, buf: &mut [u8; MAX_DIGITS]) -> usize {
        let n = self.digit_count();
        let mut c = self.coefficient;
        for slot in buf[..n].iter_mut().rev() {
            *slot = (c % 10) as u8;
            c /= 10;
        }
        n
    }

    pub fn neg(&self) -> Number {
        Number {
            negative: !self.negative && !self.is_zero(),
            ..self.clone()
        }
    }

    /// The value as an i64 when it is integral and fits.
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_zero() {
            return Some(0);
        }
        if self.exponent < 0 {
            return None;
        }
        let scale = POW10.get(usize::try_from(self.exponent).ok()?)?;
        let magnitude = self.coefficient.checked_mul(*scale)?;
        let signed = if self.negative {
            -i128::try_from(magnitude).ok()?
        } else {
            i128::try_from(magnitude).ok()?
        };
        i64::try_from(signed).ok()
    }

    /// Exact sum; a result needing more than 38 digits is refused with AWS's overflow error.
    pub fn add(&self, other: &Number) -> Result<Number, NumberError> {
        if self.is_zero() {
            return Ok(other.clone());
        }
        if other.is_zero() {
            return Ok(self.clone());
        }
        let low = self.exponent.min(other.exponent);
        let shift = (self.exponent.max(other.exponent) - low) as usize;
        // The lowest digit of the sum sits at `low` and the highest within a digit of the
        // larger operand's, so a wider gap can never fit in 38 digits.
        if shift > MAX_DIGITS {
            return Err(NumberError::Overflow);
        }
        let a = Digits::from_coefficient(self.coefficient, (self.exponent - low) as usize);
        let b = Digits::from_coefficient(other.coefficient, (other.exponent - low) as usize);
        let (negative, magnitude) = if self.negative == other.negative {
            (self.negative, a.add(&b))
        } else {
            match a.cmp(&b) {
                Ordering::Equal => return Ok(Number::zero()),
                Ordering::Greater => (self.negative, a.sub(&b)),
                Ordering::Less => (other.negative, b.sub(&a)),
            }
        };
        magnitude.into_number(negative, low)
    }

    pub fn sub(&self, other: &Number) -> Result<Number, NumberError> {
        self.add(&other.neg())
    }

    fn cmp_magnitude(&self, other: &Number) -> Ordering {
        self.leading_exponent()
            .cmp(&other.leading_exponent())
            .then_with(|| {
                // Both scaled to 38 digits so the coefficients line up digit by digit.
                let a = self.coefficient * POW10[MAX_DIGITS - self.digit_count()];
                let b = other.coefficient * POW10[MAX_DIGITS - other.digit_count()];
                a.cmp(&b)
            })
    }

    fn signum(&self) -> i8 {
        if self.is_zero() {
            0
        } else if self.negative {
            -1
        } else {
            1
        }
    }
}

fn check_range(leading_exponent: i64) -> Result<(), NumberError> {
    if leading_exponent > i64::from(MAX_EXPONENT) {
        Err(NumberError::Overflow)
    } else if leading_exponent < i64::from(MIN_EXPONENT) {
        Err(NumberError::Underflow)
    } else {
        Ok(())
    }
}

/// Little-endian decimal digits, for exact addition of aligned coefficients (≤ 77 digits).
#[derive(PartialEq, Eq)]
struct Digits(Vec<u8>);

impl Digits {
    fn from_coefficient(mut c: u128, shift: usize) -> Digits {
        let mut v = vec![0u8; shift];
        while c > 0 {
            v.push((c % 10) as u8);
            c /= 10;
        }
        Digits(v)
    }

    fn add(&self, other: &Digits) -> Digits {
        let n = self.0.len().max(other.0.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u8;
        for i in 0..n {
            let s = self.0.get(i).copied().unwrap_or(0) + other.0.get(i).copied().unwrap_or(0);
            let s = s + carry;
            out.push(s % 10);
            carry = s / 10;
        }
        if carry > 0 {
            out.push(carry);
        }
        Digits(out)
    }

    /// `self - other`, requiring `self >= other`.
    fn sub(&self, other: &Digits) -> Digits {
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i8;
        for (i, &d) in self.0.iter().enumerate() {
            let mut s = d as i8 - other.0.get(i).copied().unwrap_or(0) as i8 - borrow;
            borrow = if s < 0 {
                s += 10;
                1
            } else {
                0
            };
            out.push(s as u8);
        }
        Digits(out)
    }

    fn significant_len(&self) -> usize {
        self.0.iter().rposition(|&d| d != 0).map_or(0, |p| p + 1)
    }

    fn cmp(&self, other: &Digits) -> Ordering {
        let (la, lb) = (self.significant_len(), other.significant_len());
        la.cmp(&lb)
            .then_with(|| self.0[..la].iter().rev().cmp(other.0[..lb].iter().rev()))
    }

    fn into_number(self, negative: bool, low_exponent: i32) -> Result<Number, NumberError> {
        let top = self.significant_len();
        let Some(bottom) = self.0.iter().position(|&d| d != 0) else {
            return Ok(Number::zero());
        };
        check_range(i64::from(low_exponent) + top as i64 - 1)?;
        if top - bottom > MAX_DIGITS {
            // DynamoDB reports an inexact sum with its overflow message.
            return Err(NumberError::Overflow);
        }
        let coefficient = self.0[bottom..top]
            .iter()
            .rev()
            .fold(0u128, |acc, &d| acc * 10 + u128::from(d));
        Ok(Number {
            negative,
            coefficient,
            exponent: low_exponent + bottom as i32,
        })
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Number {
        Number::from_i64(v)
    }
}

impl FromStr for Number {
    type Err = NumberError;
    fn from_str(s: &str) -> Result<Number, NumberError> {
        Number::parse(s)
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Number {
    fn cmp(&self, o: &Self) -> Ordering {
        match self.signum().cmp(&o.signum()) {
            Ordering::Equal => match self.signum() {
                0 => Ordering::Equal,
                1 => self.cmp_magnitude(o),
                _ => o.cmp_magnitude(self),
            },
            unequal => unequal,
        }
    }
}

/// Plain decimal, never exponent notation, as DynamoDB returns numbers.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let digits = self.coefficient.to_string();
        let mut out =
            String::with_capacity(digits.len() + 3 + self.exponent.unsigned_abs() as usize);
        if self.negative {
            out.push('-');
        }
        if self.exponent >= 0 {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', self.exponent as usize));
        } else {
            let frac = self.exponent.unsigned_abs() as usize;
            if digits.len() > frac {
                let (int, fraction) = digits.split_at(digits.len() - frac);
                out.push_str(int);
                out.push('.');
                out.push_str(fraction);
            } else {
                out.push_str("0.");
                out.extend(std::iter::repeat_n('0', frac - digits.len()));
                out.push_str(&digits);
            }
        }
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    fn canon(s: &str) -> String {
        n(s).to_string()
    }

    #[test]
    fn canonical_forms() {
        for (input, want) in [
            ("1.0", "1"),
            ("01", "1"),
            ("1e2", "100"),
            ("-0", "0"),
            ("0.10", "0.1"),
            ("1.5E-5", "0.000015"),
            ("+3", "3"),
            (".123", "0.123"),
            ("0001.23", "1.23"),
            ("1e+5", "100000"),
            ("0e1000", "0"),
            ("-0.000", "0"),
            ("1.", "1"),
            ("-17.4E37", "-174000000000000000000000000000000000000"),
            ("123.456e1", "1234.56"),
            ("123.456e-3", "0.123456"),
            ("-7.1234", "-7.1234"),
            ("100", "100"),
            ("1E-130", &format!("0.{}1", "0".repeat(129))),
        ] {
            assert_eq!(canon(input), want, "input {input}");
        }
        assert_eq!(canon("1E+125"), format!("1{}", "0".repeat(125)));
        assert_eq!(
            canon("9.9999999999999999999999999999999999999E+125"),
            format!("{}{}", "9".repeat(38), "0".repeat(88))
        );
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "NaN",
            "Infinity",
            "-Infinity",
            "-NaN",
            "dog",
            "-dog",
            " 1",
            "1 ",
            "1e",
            "1e+",
            "e5",
            ".",
            "-",
            "+",
            "1.2.3",
            "1e5.5",
            "0x10",
            "1_000",
            "--1",
            "+-1",
            "１",
            "1ee5",
        ] {
            assert_eq!(
                Number::parse(bad),
                Err(NumberError::NotANumber(bad.to_owned())),
                "{bad}"
            );
        }
        assert_eq!(Number::parse(""), Err(NumberError::Empty));
        assert_eq!(
            NumberError::NotANumber("b".into()).to_string(),
            "The parameter cannot be converted to a numeric value: b"
        );
        assert_eq!(
            NumberError::Empty.to_string(),
            "The parameter cannot be converted to a numeric value"
        );
    }

    #[test]
    fn limits() {
        assert!(Number::parse("12345678901234567890123456789012345678").is_ok());
        assert_eq!(
            Number::parse("123456789012345678901234567890123456789"),
            Err(NumberError::TooManyDigits)
        );
        assert_eq!(
            Number::parse("-1.23456789012345678901234567890123456789"),
            Err(NumberError::TooManyDigits)
        );
        // Leading and trailing zeros are not significant.
        assert!(Number::parse(&format!("000{}000.000", "9".repeat(38))).is_ok());
        assert!(Number::parse("1e125").is_ok());
        assert!(Number::parse("9.99999999e125").is_ok());
        assert!(Number::parse("-1e-130").is_ok());
        assert_eq!(Number::parse("1e126"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("-1e126"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("11e125"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("1e-131"), Err(NumberError::Underflow));
        assert_eq!(Number::parse("-1e-131"), Err(NumberError::Underflow));
        assert_eq!(Number::parse("0.9e-130"), Err(NumberError::Underflow));
        assert_eq!(
            Number::parse("1e99999999999999999999999"),
            Err(NumberError::Overflow)
        );
        assert_eq!(
            Number::parse("1e-99999999999999999999999"),
            Err(NumberError::Underflow)
        );
        // Range is checked before precision, as DynamoDB does.
        assert_eq!(
            Number::parse(&format!("{}e200", "1".repeat(40))),
            Err(NumberError::Overflow)
        );
        assert_eq!(
            NumberError::TooManyDigits.to_string(),
            "Attempting to store more than 38 significant digits in a Number"
        );
        assert_eq!(
            NumberError::Overflow.to_string(),
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        );
        assert_eq!(
            NumberError::Underflow.to_string(),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        );
    }

    #[test]
    fn equality_and_hash_by_value() {
        use std::collections::HashSet;
        let set: HashSet<Number> = ["1", "1.0", "01", "1e0", "10e-1", "+1"]
            .iter()
            .map(|s| n(s))
            .collect();
        assert_eq!(set.len(), 1);
        assert_eq!(n("-0"), n("0"));
        assert_ne!(n("1"), n("-1"));
    }

    #[test]
    fn ordering() {
        let sorted = [
            "-1e125", "-100", "-1.5", "-1", "-0.5", "-1e-130", "0", "1e-130", "0.5", "1", "1.5",
            "2", "10", "100", "1e125",
        ];
        for w in sorted.windows(2) {
            assert!(n(w[0]) < n(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(n("1.10").cmp(&n("1.1")), Ordering::Equal);
    }

    #[test]
    fn arithmetic() {
        assert_eq!(
            n("1").add(&n("10000000000000000000000")).unwrap(),
            n("10000000000000000000001")
        );
        assert_eq!(
            n("10000000000000000000000").sub(&n("1")).unwrap(),
            n("9999999999999999999999")
        );
        assert_eq!(n("0.1").add(&n("0.2")).unwrap(), n("0.3"));
        assert_eq!(n("5").sub(&n("5")).unwrap(), n("0"));
        assert_eq!(n("-5").add(&n("3")).unwrap(), n("-2"));
        assert_eq!(n("1e50").sub(&n("1")), Err(NumberError::Overflow));
        assert_eq!(n("1e50").add(&n("1")), Err(NumberError::Overflow));
        assert_eq!(n("9e125").add(&n("9e125")), Err(NumberError::Overflow));
        assert_eq!(n("9e125").sub(&n("-9e125")), Err(NumberError::Overflow));
        assert_eq!(n("1.1e-130").sub(&n("1e-130")), Err(NumberError::Underflow));
        assert_eq!(n("1e125").add(&n("1e-130")), Err(NumberError::Overflow));
        // Cancellation across a 38-digit gap stays exact.
        assert_eq!(
            n("1e50")
                .sub(&n(&format!("{}e12", "9".repeat(38))))
                .unwrap(),
            n("1e12")
        );
        assert!(n("0").add(&n("7")).unwrap() == n("7"));
    }

    #[test]
    fn integers() {
        for v in [0, 1, -1, 10, 1200, i64::MAX, i64::MIN, -5000] {
            let x = Number::from_i64(v);
            assert_eq!(x.to_string(), v.to_string());
            assert_eq!(x.to_i64(), Some(v));
        }
        assert_eq!(n("1.5").to_i64(), None);
        assert_eq!(n("1e30").to_i64(), None);
        assert_eq!(n("9223372036854775808").to_i64(), None);
        assert_eq!(n("-9223372036854775808").to_i64(), Some(i64::MIN));
        assert!(n("0").is_zero());
    }

    #[test]
    fn from_digits_round_trip() {
        let x = n("-123.45");
        let mut buf = [0u8; MAX_DIGITS];
        let len = x.digits_into(&mut buf);
        assert_eq!(&buf[..len], &[1, 2, 3, 4, 5]);
        assert_eq!(x.leading_exponent(), 2);
        assert_eq!(Number::from_digits(true, &buf[..len], 2).unwrap(), x);
        assert_eq!(
            Number::from_digits(false, &[1], 126),
            Err(NumberError::Overflow)
        );
        assert_eq!(
            Number::from_digits(false, &[10], 0),
            Err(NumberError::Invalid)
        );
    }

    /// Independent reference: normalize text to (sign, digits, leading exponent) by string work.
    fn reference_key(s: &str) -> (i8, i64, String) {
        let (neg, rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s.trim_start_matches('+')),
        };
        let (mant, exp) = match rest.find(['e', 'E']) {
            Some(p) => (&rest[..p], rest[p + 1..].parse::<i64>().unwrap()),
            None => (rest, 0),
        };
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let all = format!("{int}{frac}");
        let lead = all.len() - all.trim_start_matches('0').len();
        let digits = all.trim_matches('0').to_owned();
        if digits.is_empty() {
            return (0, 0, String::new());
        }
        let lexp = int.len() as i64 - lead as i64 - 1 + exp;
        (if neg { -1 } else { 1 }, lexp, digits)
    }

    fn reference_cmp(a: &str, b: &str) -> Ordering {
        let (sa, ea, da) = reference_key(a);
        let (sb, eb, db) = reference_key(b);
        if sa != sb {
            return sa.cmp(&sb);
        }
        let mag = ea.cmp(&eb).then_with(|| da.cmp(&db));
        if sa < 0 { mag.reverse() } else { mag }
    }

    fn number_text() -> impl Strategy<Value = String> {
        (
            prop::option::of(prop_oneof![Just("-"), Just("+")]),
            "[0-9]{0,20}",
            prop::option::of("[0-9]{0,18}"),
            prop::option::of(-60i32..60),
        )
            .prop_filter_map("needs a digit", |(sign, int, frac, exp)| {
                if int.is_empty() && frac.as_deref().unwrap_or("").is_empty() {
                    return None;
                }
                let mut s = sign.unwrap_or("").to_owned();
                s.push_str(&int);
                if let Some(f) = frac {
                    s.push('.');
                    s.push_str(&f);
                }
                if let Some(e) = exp {
                    s.push_str(&format!("e{e}"));
                }
                Some(s)
            })
    }

    proptest! {
        #[test]
        fn ordering_matches_reference(a in number_text(), b in number_text()) {
            let (x, y) = (n(&a), n(&b));
            prop_assert_eq!(x.cmp(&y), reference_cmp(&a, &b));
            prop_assert_eq!(x == y, reference_cmp(&a, &b) == Ordering::Equal);
        }

        #[test]
        fn canonical_text_reparses_to_itself(a in number_text()) {
            let x = n(&a);
            let text = x.to_string();
            prop_assert_eq!(&Number::parse(&text).unwrap(), &x);
            prop_assert_eq!(Number::parse(&text).unwrap().to_string(), text.clone());
            prop_assert!(!text.contains(['e', 'E', '+']));
        }

        #[test]
        fn integer_arithmetic_matches_i128(a in any::<i64>(), b in any::<i64>()) {
            let (x, y) = (Number::from_i64(a), Number::from_i64(b));
            let sum = i128::from(a) + i128::from(b);
            let diff = i128::from(a) - i128::from(b);
            prop_assert_eq!(x.add(&y).unwrap().to_string(), sum.to_string());
            prop_assert_eq!(x.sub(&y).unwrap().to_string(), diff.to_string());
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        }

        #[test]
        fn decimal_arithmetic_is_exact(a in -10_i64.pow(15)..10_i64.pow(15), b in -10_i64.pow(15)..10_i64.pow(15), sa in 0u32..12, sb in 0u32..12) {
            // a × 10^-sa + b × 10^-sb, checked in integers scaled by 10^12.
            let x = Number::parse(&format!("{a}e-{sa}")).unwrap();
            let y = Number::parse(&format!("{b}e-{sb}")).unwrap();
            let scaled = i128::from(a) * 10i128.pow(12 - sa) + i128::from(b) * 10i128.pow(12 - sb);
            let want = Number::parse(&format!("{scaled}e-12")).unwrap();
            prop_assert_eq!(x.add(&y).unwrap(), want);
        }

        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = Number::parse(&s);
        }
    }
}
