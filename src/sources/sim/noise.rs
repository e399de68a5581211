//! Deterministic noise as a pure function of (seed, key, index): no RNG
//! state, so any value at any time can be computed in any order and the
//! world at time t never depends on how often it was polled.

use jiff::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Noise {
    seed: u64,
}

impl Noise {
    pub fn new(seed: u64) -> Self {
        Self { seed }
    }

    /// A well-mixed 64-bit value for `key` and `n`.
    pub fn hash(&self, key: &str, n: i64) -> u64 {
        // FNV-1a over the key, then splitmix64 rounds over seed and index.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        mix(mix(h ^ self.seed) ^ n as u64)
    }

    /// Uniform in [0, 1).
    pub fn unit(&self, key: &str, n: i64) -> f64 {
        (self.hash(key, n) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in [lo, hi); `lo` if the range is empty.
    pub fn range(&self, key: &str, n: i64, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.hash(key, n) % (hi - lo) as u64) as i64
    }

    /// Smooth value noise in [0, 1): random knots every `period` seconds,
    /// eased between them so the curve wanders instead of jumping.
    pub fn smooth(&self, key: &str, t: f64, period: f64) -> f64 {
        let x = t / period;
        let knot = x.floor();
        let frac = x - knot;
        let eased = frac * frac * (3.0 - 2.0 * frac);
        let a = self.unit(key, knot as i64);
        let b = self.unit(key, knot as i64 + 1);
        a + (b - a) * eased
    }

    /// `count` lowercase hex digits, stable for `key`.
    pub fn hex(&self, key: &str, count: usize) -> String {
        let mut out = String::with_capacity(count);
        let mut n = 0;
        while out.len() < count {
            out.push_str(&format!("{:016x}", self.hash(key, n)));
            n += 1;
        }
        out.truncate(count);
        out
    }

    /// `count` lowercase letters and digits, as in RDS endpoint hosts.
    pub fn alnum(&self, key: &str, count: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..count)
            .map(|i| {
                let idx = self.hash(key, i as i64) % ALPHABET.len() as u64;
                char::from(ALPHABET[idx as usize])
            })
            .collect()
    }
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Epoch seconds to a timestamp, clamped to jiff's range (never panics).
pub fn ts(secs: i64) -> Timestamp {
    let clamped = secs.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
    Timestamp::from_second(clamped).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_inputs_same_outputs_and_seed_matters() {
        let a = Noise::new(1);
        assert_eq!(a.hash("k", 3), Noise::new(1).hash("k", 3));
        assert_ne!(a.hash("k", 3), Noise::new(2).hash("k", 3));
        assert_ne!(a.hash("k", 3), a.hash("k", 4));
        assert_ne!(a.hash("k", 3), a.hash("j", 3));
    }

    #[test]
    fn smooth_is_continuous_and_bounded() {
        let n = Noise::new(7);
        let mut prev = n.smooth("lag", 0.0, 20.0);
        for i in 1..2_000 {
            let v = n.smooth("lag", i as f64 * 0.5, 20.0);
            assert!((0.0..1.0).contains(&v));
            assert!((v - prev).abs() < 0.1, "jump at {i}: {prev} -> {v}");
            prev = v;
        }
    }

    #[test]
    fn range_and_strings() {
        let n = Noise::new(9);
        for i in 0..100 {
            let v = n.range("r", i, 5, 8);
            assert!((5..8).contains(&v));
        }
        assert_eq!(n.range("r", 0, 4, 4), 4);
        assert_eq!(n.hex("h", 20).len(), 20);
        let host = n.alnum("a", 12);
        assert_eq!(host.len(), 12);
        assert!(host.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
