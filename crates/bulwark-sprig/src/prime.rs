//! Random RSA primes, found much faster than `rsa::RsaPrivateKey::new` does: random odd
//! candidates with the top two bits set, a sieve over a window of candidates by the odd primes
//! below 2^16 or 2^20 (which also drops `p ≡ 1 mod 65537`, so `gcd(65537, p-1) = 1`), then
//! Miller–Rabin with a fixed-size Montgomery exponentiation — base 2 first (its
//! multiplications are doublings), then random bases, as many rounds
//! as FIPS 186-5 table B.1 asks for (Go's `crypto/rsa` uses the same table). The search runs
//! on every available core: each worker tests its own random candidates and the first two
//! suitable primes found make the pair.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rand::RngCore;
use rand::rngs::OsRng;
use rsa::BigUint;

/// Public exponent of every key made here.
pub(crate) const E: u32 = 65537;

/// Odd candidates per sieve window (the window spans `2 * WINDOW` integers). Primes near 2^2048
/// are about 1420 apart, so a window usually holds several.
const WINDOW: usize = 1 << 13;

/// Odd primes below the sieve bound for candidates of `bits` bits, computed once per bound.
/// A higher bound leaves fewer candidates for Miller–Rabin (the survivors shrink as
/// `1 / ln(bound)`) but costs one remainder per prime and window; 2^20 pays off for 2048-bit
/// primes, where one Miller–Rabin round costs as much as ~25,000 remainders, 2^16 below.
fn small_primes(bits: usize) -> &'static [SmallPrime] {
    static BELOW_2_16: OnceLock<Vec<SmallPrime>> = OnceLock::new();
    static BELOW_2_20: OnceLock<Vec<SmallPrime>> = OnceLock::new();
    if bits >= 1536 {
        BELOW_2_20.get_or_init(|| odd_primes_below(1 << 20))
    } else {
        BELOW_2_16.get_or_init(|| odd_primes_below(1 << 16))
    }
}

fn odd_primes_below(limit: usize) -> Vec<SmallPrime> {
    let mut composite = vec![false; limit];
    let mut primes = Vec::new();
    for i in (3..limit).step_by(2) {
        if !composite[i] {
            primes.push(SmallPrime::new(u32::try_from(i).unwrap_or(u32::MAX)));
            let mut j = i * i;
            while j < limit {
                composite[j] = true;
                j += 2 * i;
            }
        }
    }
    primes
}

/// A small odd prime with its Barrett constant, so remainders take two multiplications
/// instead of a division.
#[derive(Clone, Copy)]
struct SmallPrime {
    p: u64,
    /// `⌊(2^64 - 1) / p⌋`.
    m: u64,
}

impl SmallPrime {
    fn new(p: u32) -> Self {
        let p = u64::from(p.max(1));
        Self { p, m: u64::MAX / p }
    }

    /// `v mod p` for any `v`: the estimated quotient `⌊v·m / 2^64⌋` is at most two short.
    #[inline(always)]
    fn reduce(self, v: u64) -> u64 {
        let q = ((u128::from(v) * u128::from(self.m)) >> 64) as u64;
        let mut r = v - q * self.p;
        while r >= self.p {
            r -= self.p;
        }
        r
    }

    /// `x mod p` for little-endian limbs `x` (`p` below 2^32).
    fn rem(self, x: &[u64]) -> u64 {
        let mut r = 0u64;
        for &limb in x.iter().rev() {
            r = self.reduce((r << 32) | (limb >> 32));
            r = self.reduce((r << 32) | (limb & 0xffff_ffff));
        }
        r
    }

    /// The first `k` with `base + 2k ≡ 0 (mod p)`: `k ≡ -r·2⁻¹`, and `2⁻¹ = (p+1)/2`.
    fn first_multiple(self, base: &[u64]) -> usize {
        self.first_multiple_from(self.rem(base))
    }

    /// [`SmallPrime::first_multiple`] given `r = base mod p`.
    fn first_multiple_from(self, r: u64) -> usize {
        let k = self.reduce(self.reduce(self.p - r) * self.p.div_ceil(2));
        usize::try_from(k).unwrap_or(usize::MAX)
    }
}

/// `x mod p` for four primes at once. Each remainder is a chain of dependent
/// multiplications; running four independent chains side by side lets the processor
/// overlap them, where one chain alone waits on each multiplication's latency.
fn rem4(ps: &[SmallPrime; 4], x: &[u64]) -> [u64; 4] {
    let mut r = [0u64; 4];
    for &limb in x.iter().rev() {
        for half in [limb >> 32, limb & 0xffff_ffff] {
            for (ri, p) in r.iter_mut().zip(ps) {
                *ri = p.reduce((*ri << 32) | half);
            }
        }
    }
    r
}

/// Little-endian 64-bit limbs of a fixed width.
type Limbs<const N: usize> = [u64; N];

fn to_biguint(x: &[u64]) -> BigUint {
    let bytes: Vec<u8> = x.iter().flat_map(|l| l.to_le_bytes()).collect();
    BigUint::from_bytes_le(&bytes)
}

#[inline(always)]
fn mac(t: u64, a: u64, b: u64, c: u64) -> (u64, u64) {
    let r = u128::from(t) + u128::from(a) * u128::from(b) + u128::from(c);
    (r as u64, (r >> 64) as u64)
}

/// `hi·2^(64N) + a >= m`.
fn geq<const N: usize>(a: &Limbs<N>, hi: u64, m: &Limbs<N>) -> bool {
    if hi != 0 {
        return true;
    }
    for i in (0..N).rev() {
        if a[i] != m[i] {
            return a[i] > m[i];
        }
    }
    true
}

/// `a -= m`, wrapping; returns the borrow.
fn sub_assign<const N: usize>(a: &mut Limbs<N>, m: &Limbs<N>) -> bool {
    let mut borrow = false;
    for i in 0..N {
        let (d, b1) = a[i].overflowing_sub(m[i]);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        a[i] = d;
        borrow = b1 | b2;
    }
    borrow
}

/// `a += b` (small), wrapping; returns the carry.
fn add_small<const N: usize>(a: &mut Limbs<N>, mut b: u64) -> bool {
    for limb in a.iter_mut() {
        let (s, c) = limb.overflowing_add(b);
        *limb = s;
        if !c {
            return false;
        }
        b = 1;
    }
    b != 0
}

fn bit_len<const N: usize>(a: &Limbs<N>) -> usize {
    for i in (0..N).rev() {
        if a[i] != 0 {
            return 64 * i + 64 - a[i].leading_zeros() as usize;
        }
    }
    0
}

/// Montgomery arithmetic modulo an odd `N`-limb modulus `m`, with `R = 2^(64N)`.
struct Mont<const N: usize> {
    m: Limbs<N>,
    /// `-m⁻¹ mod 2^64`.
    m_inv: u64,
    /// `R mod m`: one in Montgomery form.
    one: Limbs<N>,
    /// `R² mod m`.
    r2: Limbs<N>,
}

impl<const N: usize> Mont<N> {
    fn new(m: Limbs<N>) -> Self {
        // Newton's iteration doubles the correct low bits each step: 1 → 64 in 6 steps.
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(m[0].wrapping_mul(inv)));
        }
        let mut s = Self {
            m,
            m_inv: inv.wrapping_neg(),
            one: [0; N],
            r2: [0; N],
        };
        // R mod m by doubling 1 64N times, then R² mod m as R·R in Montgomery terms: doubling R
        // another 64N times is slow, so go from R·2^64 via Montgomery squarings instead.
        let mut x = [0u64; N];
        x[0] = 1;
        for _ in 0..64 * N {
            s.double(&mut x);
        }
        s.one = x;
        // R·2^k mod m for k = 64: 64 more doublings; then squaring in Montgomery form
        // maps R·2^k to R·2^(2k), so log2(64N/64) squarings reach R·2^(64N) = R².
        for _ in 0..64 {
            s.double(&mut x);
        }
        let mut k = 64;
        while 2 * k <= 64 * N {
            x = s.mul(&x, &x);
            k *= 2;
        }
        // Exact when N is a power of two; otherwise double the rest of the way to R².
        while k < 64 * N {
            s.double(&mut x);
            k += 1;
        }
        s.r2 = x;
        s
    }

    /// `x = 2x mod m` for `x < m`.
    fn double(&self, x: &mut Limbs<N>) {
        let mut carry = 0;
        for limb in x.iter_mut() {
            let v = *limb;
            *limb = (v << 1) | carry;
            carry = v >> 63;
        }
        if geq(x, carry, &self.m) {
            sub_assign(x, &self.m);
        }
    }

    /// `a·b·R⁻¹ mod m` (CIOS with the multiplication and reduction passes merged, so `t`
    /// is read and written once per word of `b`).
    fn mul(&self, a: &Limbs<N>, b: &Limbs<N>) -> Limbs<N> {
        let mut t = [0u64; N];
        let mut t_hi: u64 = 0;
        for &bi in b {
            let (t0, mut c1) = mac(t[0], a[0], bi, 0);
            let q = t0.wrapping_mul(self.m_inv);
            let (_, mut c2) = mac(t0, q, self.m[0], 0);
            for j in 1..N {
                let x;
                (x, c1) = mac(t[j], a[j], bi, c1);
                (t[j - 1], c2) = mac(x, q, self.m[j], c2);
            }
            let (s, o1) = t_hi.overflowing_add(c1);
            let (s, o2) = s.overflowing_add(c2);
            t[N - 1] = s;
            t_hi = u64::from(o1) + u64::from(o2);
        }
        if geq(&t, t_hi, &self.m) {
            sub_assign(&mut t, &self.m);
        }
        t
    }

    /// `a²·R⁻¹ mod m`: the product with each cross term computed once, then reduced.
    /// Both passes work on two rows at once with a carry chain each: the rows are
    /// independent enough (row `i + 1` only lags one word behind row `i`) that the processor
    /// overlaps the two chains, where a single chain waits on its own carries.
    fn sqr(&self, a: &Limbs<N>) -> Limbs<N> {
        const { assert!(N <= 32, "squares of up to 2048 bits") };
        let mut t = [0u64; 64];
        // Cross terms a[i]·a[j], i < j: row i adds a[i]·a[j] at t[i + j] and ends at t[i + N].
        let mut i = 0;
        while i + 3 <= N {
            let (x, y) = (a[i], a[i + 1]);
            let (v, mut ca) = mac(t[2 * i + 1], x, a[i + 1], 0);
            t[2 * i + 1] = v;
            (t[2 * i + 2], ca) = mac(t[2 * i + 2], x, a[i + 2], ca);
            let mut cb = 0u64;
            for j in i + 3..N {
                let v;
                (v, ca) = mac(t[i + j], x, a[j], ca);
                (t[i + j], cb) = mac(v, y, a[j - 1], cb);
            }
            t[i + N] = ca;
            (t[i + N], cb) = mac(t[i + N], y, a[N - 1], cb);
            t[i + N + 1] = cb;
            i += 2;
        }
        while i < N {
            let mut c = 0u64;
            for j in i + 1..N {
                (t[i + j], c) = mac(t[i + j], a[i], a[j], c);
            }
            t[i + N] = c;
            i += 1;
        }
        // Double them, then add the squares a[i]².
        let mut carry = 0u64;
        for v in t[..2 * N].iter_mut() {
            let x = *v;
            *v = (x << 1) | carry;
            carry = x >> 63;
        }
        let mut c = 0u64;
        for (pair, &ai) in t[..2 * N].chunks_exact_mut(2).zip(a) {
            let (v, c1) = mac(pair[0], ai, ai, c);
            pair[0] = v;
            let (v, c2) = pair[1].overflowing_add(c1);
            pair[1] = v;
            c = u64::from(c2);
        }
        // Montgomery reduction of the 2N-limb square (below m·R): row i clears t[i] by adding
        // q·m at t[i..], its carry going to t[i + N] and `extra` (the carry into t[i + N + 1]).
        let m = &self.m;
        let mut extra = 0u64;
        let mut i = 0;
        while i + 2 <= N {
            let qa = t[i].wrapping_mul(self.m_inv);
            let (_, mut ca) = mac(t[i], qa, m[0], 0);
            let mut v;
            (v, ca) = mac(t[i + 1], qa, m[1 % N], ca);
            let qb = v.wrapping_mul(self.m_inv);
            let (_, mut cb) = mac(v, qb, m[0], 0);
            for k in 2..N {
                (v, ca) = mac(t[i + k], qa, m[k], ca);
                (t[i + k], cb) = mac(v, qb, m[k - 1], cb);
            }
            // Row i's end, then row i + 1's last word and end.
            let (s, o1) = t[i + N].overflowing_add(ca);
            let (s, o2) = s.overflowing_add(extra);
            let carry_a = u64::from(o1) + u64::from(o2);
            (v, cb) = mac(s, qb, m[N - 1], cb);
            t[i + N] = v;
            let (s, o1) = t[i + N + 1].overflowing_add(cb);
            let (s, o2) = s.overflowing_add(carry_a);
            t[i + N + 1] = s;
            extra = u64::from(o1) + u64::from(o2);
            i += 2;
        }
        if i < N {
            let q = t[i].wrapping_mul(self.m_inv);
            let mut c = 0u64;
            for k in 0..N {
                (t[i + k], c) = mac(t[i + k], q, m[k], c);
            }
            let (s, o1) = t[i + N].overflowing_add(c);
            let (s, o2) = s.overflowing_add(extra);
            t[i + N] = s;
            extra = u64::from(o1) + u64::from(o2);
        }
        let mut out = [0u64; N];
        out.copy_from_slice(&t[N..2 * N]);
        if geq(&out, extra, &self.m) {
            sub_assign(&mut out, &self.m);
        }
        out
    }

    fn to_mont(&self, a: &Limbs<N>) -> Limbs<N> {
        self.mul(a, &self.r2)
    }

    /// `2^exp` in Montgomery form: square-and-multiply where each multiplication by the base
    /// is a doubling, so only the squarings cost anything.
    fn pow2(&self, exp: &Limbs<N>) -> Limbs<N> {
        let mut acc = self.one;
        let mut started = false;
        for i in (0..bit_len(exp)).rev() {
            if started {
                acc = self.sqr(&acc);
            }
            if (exp[i / 64] >> (i % 64)) & 1 == 1 {
                self.double(&mut acc);
                started = true;
            }
        }
        acc
    }

    /// `base^exp` with `base` and the result in Montgomery form; 5-bit sliding window.
    /// Not constant-time: it runs on candidates, most of them discarded.
    fn pow(&self, base: &Limbs<N>, exp: &Limbs<N>) -> Limbs<N> {
        const W: usize = 5;
        let sq = self.sqr(base);
        let mut table = [*base; 1 << (W - 1)];
        for i in 1..table.len() {
            table[i] = self.mul(&table[i - 1], &sq);
        }
        let bit = |i: usize| (exp[i / 64] >> (i % 64)) & 1 == 1;
        let mut acc = self.one;
        let mut started = false;
        let mut i = bit_len(exp);
        while i > 0 {
            if !bit(i - 1) {
                if started {
                    acc = self.sqr(&acc);
                }
                i -= 1;
                continue;
            }
            // Window [low, i): its top and bottom bits are set.
            let mut low = i.saturating_sub(W);
            while !bit(low) {
                low += 1;
            }
            let mut val = 0usize;
            for k in (low..i).rev() {
                val = (val << 1) | usize::from(bit(k));
                if started {
                    acc = self.sqr(&acc);
                }
            }
            if started {
                acc = self.mul(&acc, &table[val >> 1]);
            } else {
                acc = table[val >> 1];
                started = true;
            }
            i = low;
        }
        acc
    }
}

/// Miller–Rabin rounds for a prime of `bits` bits, from FIPS 186-5 table B.1 (as Go's
/// `crypto/internal/fips140/rsa` uses it), plus one to be safe.
fn mr_rounds(bits: usize) -> usize {
    let table = match bits {
        3747.. => 3,
        1345.. => 4,
        476.. => 5,
        400.. => 6,
        347.. => 7,
        308.. => 8,
        55.. => 27,
        _ => 34,
    };
    table + 1
}

/// Miller–Rabin on odd `n > 3`: base 2, then `rounds - 1` random bases in `[2, n-2]`.
fn probably_prime<const N: usize>(n: &Limbs<N>, rounds: usize, rng: &mut impl RngCore) -> bool {
    let mont = Mont::new(*n);
    let mut n_minus_1 = *n;
    n_minus_1[0] &= !1;
    let s = n_minus_1
        .iter()
        .enumerate()
        .find(|(_, l)| **l != 0)
        .map_or(0, |(i, l)| 64 * i + l.trailing_zeros() as usize);
    let d = shr(&n_minus_1, s);
    // n - 1 in Montgomery form: m - R mod m.
    let mut minus_one = *n;
    sub_assign(&mut minus_one, &mont.one);
    let bits = bit_len(n);
    for round in 0..rounds {
        let mut x = if round == 0 {
            mont.pow2(&d)
        } else {
            mont.pow(&mont.to_mont(&random_base(n, bits, rng)), &d)
        };
        if x == mont.one || x == minus_one {
            continue;
        }
        let mut witness = true;
        for _ in 1..s {
            x = mont.sqr(&x);
            if x == minus_one {
                witness = false;
                break;
            }
            if x == mont.one {
                break;
            }
        }
        if witness {
            return false;
        }
    }
    true
}

fn shr<const N: usize>(a: &Limbs<N>, s: usize) -> Limbs<N> {
    let (words, bits) = (s / 64, s % 64);
    let mut out = [0u64; N];
    for i in 0..N.saturating_sub(words) {
        let lo = a[i + words] >> bits;
        let hi = if bits > 0 && i + words + 1 < N {
            a[i + words + 1] << (64 - bits)
        } else {
            0
        };
        out[i] = lo | hi;
    }
    out
}

/// A uniformly random base in `[2, n-2]` for an `n` of `bits` bits.
fn random_base<const N: usize>(n: &Limbs<N>, bits: usize, rng: &mut impl RngCore) -> Limbs<N> {
    loop {
        let mut x = random_limbs::<N>(rng);
        mask_to(&mut x, bits);
        // x in [2, n-2] ⇔ 2 <= x and x + 2 <= n.
        let mut y = x;
        if bit_len(&x) <= 1 || add_small(&mut y, 2) {
            continue;
        }
        if !geq(&y, 0, n) || y == *n {
            return x;
        }
    }
}

fn random_limbs<const N: usize>(rng: &mut impl RngCore) -> Limbs<N> {
    let mut x = [0u64; N];
    for limb in &mut x {
        *limb = rng.next_u64();
    }
    x
}

/// Clears every bit at or above `bits`.
fn mask_to<const N: usize>(x: &mut Limbs<N>, bits: usize) {
    for (i, limb) in x.iter_mut().enumerate() {
        if 64 * i >= bits {
            *limb = 0;
        } else if 64 * i + 64 > bits {
            *limb &= (1u64 << (bits - 64 * i)) - 1;
        }
    }
}

/// A random prime `p` of exactly `64N` bits with its top two bits set and
/// `gcd(p - 1, 65537) = 1`, or `None` once `stop` is set.
fn random_prime<const N: usize>(
    small: &[SmallPrime],
    rng: &mut impl RngCore,
    stop: &AtomicBool,
) -> Option<Limbs<N>> {
    let bits = 64 * N;
    let rounds = mr_rounds(bits);
    let mut sieve = vec![false; WINDOW];
    loop {
        let mut base = random_limbs::<N>(rng);
        base[N - 1] |= 0b11 << 62;
        base[0] |= 1;
        // Candidates base + 2k for k < WINDOW; the top bits survive unless base is within
        // 2·WINDOW of 2^bits, which is checked per candidate.
        sieve.fill(false);
        let mut mark = |p: SmallPrime, r: u64| {
            let step = usize::try_from(p.p).unwrap_or(usize::MAX);
            let mut k = p.first_multiple_from(r);
            while k < WINDOW {
                sieve[k] = true;
                k += step;
            }
        };
        let mut quads = small.chunks_exact(4);
        for quad in &mut quads {
            let ps = [quad[0], quad[1], quad[2], quad[3]];
            for (p, r) in ps.into_iter().zip(rem4(&ps, &base)) {
                mark(p, r);
            }
        }
        for &p in quads.remainder() {
            mark(p, p.rem(&base));
        }
        // p ≡ 1 (mod 65537) would make 65537 divide p - 1: base + 2k ≡ 1 ⇔ base - 1 + 2k ≡ 0.
        {
            let mut below = base;
            below[0] -= 1;
            let e = SmallPrime::new(E);
            let mut k = e.first_multiple(&below);
            while k < WINDOW {
                sieve[k] = true;
                k += E as usize;
            }
        }
        for (k, &composite) in sieve.iter().enumerate() {
            if composite {
                continue;
            }
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let mut candidate = base;
            if add_small(&mut candidate, 2 * k as u64) || candidate[N - 1] >> 62 != 0b11 {
                break;
            }
            if probably_prime(&candidate, rounds, rng) {
                return Some(candidate);
            }
        }
    }
}

/// Two distinct primes for an RSA modulus of `bits` bits, or `None` when the size isn't one
/// the fast path handles (then the caller falls back to the `rsa` crate).
pub(crate) fn rsa_primes(bits: usize) -> Option<(BigUint, BigUint)> {
    match bits {
        4096 => Some(prime_pair::<32>()),
        2048 => Some(prime_pair::<16>()),
        3072 => Some(prime_pair::<24>()),
        1024 => Some(prime_pair::<8>()),
        _ => None,
    }
}

/// FIPS 186-5 A.1.3: `|p - q| > 2^(nlen/2 - 100)`.
fn far_apart<const N: usize>(p: &Limbs<N>, q: &Limbs<N>) -> bool {
    let (hi, lo) = if geq(p, 0, q) { (p, q) } else { (q, p) };
    let mut diff = *hi;
    sub_assign(&mut diff, lo);
    bit_len(&diff) > 64 * N - 100
}

fn prime_pair<const N: usize>() -> (BigUint, BigUint) {
    let small = small_primes(64 * N);
    let stop = AtomicBool::new(false);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let (tx, rx) = mpsc::channel::<Limbs<N>>();
    let search = |tx: mpsc::Sender<Limbs<N>>| {
        let mut rng = OsRng;
        while let Some(p) = random_prime::<N>(small, &mut rng, &stop) {
            if tx.send(p).is_err() {
                break;
            }
        }
    };
    let pair = std::thread::scope(|scope| {
        let mut spawned = 0;
        if workers > 1 {
            for _ in 0..workers {
                let tx = tx.clone();
                let worker = std::thread::Builder::new().spawn_scoped(scope, move || search(tx));
                spawned += usize::from(worker.is_ok());
            }
        }
        let mut p: Option<Limbs<N>> = None;
        let next = || {
            if spawned > 0 {
                rx.recv().ok()
            } else {
                random_prime::<N>(small, &mut OsRng, &stop)
            }
        };
        loop {
            let Some(candidate) = next() else { continue };
            match p {
                None => p = Some(candidate),
                Some(p) if far_apart(&p, &candidate) => {
                    stop.store(true, Ordering::Relaxed);
                    return (p, candidate);
                }
                Some(_) => {}
            }
        }
    });
    drop(tx);
    (to_biguint(&pair.0), to_biguint(&pair.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::OsRng;
    use rsa::BigUint;

    fn limbs<const N: usize>(x: &BigUint) -> Limbs<N> {
        let mut out = [0u64; N];
        for (i, chunk) in x.to_bytes_le().chunks(8).enumerate() {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            out[i] = u64::from_le_bytes(b);
        }
        out
    }

    #[test]
    fn montgomery_pow_matches_modpow() {
        let mut rng = OsRng;
        for _ in 0..4 {
            let mut m = random_limbs::<4>(&mut rng);
            m[0] |= 1;
            let b = random_limbs::<4>(&mut rng);
            let e = random_limbs::<4>(&mut rng);
            let mont = Mont::new(m);
            let got = mont.pow(&mont.to_mont(&mont_reduce_input(&b, &m)), &e);
            let mut one = [0u64; 4];
            one[0] = 1;
            let got = to_biguint(&mont.mul(&got, &one));
            let (bb, eb, mb) = (to_biguint(&b), to_biguint(&e), to_biguint(&m));
            assert_eq!(got, bb.modpow(&eb, &mb));
        }
    }

    fn squaring_matches_multiplication_at<const N: usize>(rng: &mut OsRng) {
        for _ in 0..50 {
            let mut m = random_limbs::<N>(rng);
            m[0] |= 1;
            m[N - 1] |= 1 << 63;
            let mont = Mont::new(m);
            let mut a = random_limbs::<N>(rng);
            a[N - 1] &= !(1 << 63);
            assert_eq!(mont.sqr(&a), mont.mul(&a, &a), "N = {N}");
        }
        // The largest operands: every limb all ones.
        let m = [u64::MAX; N];
        let mont = Mont::new(m);
        let mut a = m;
        a[0] -= 1;
        assert_eq!(mont.sqr(&a), mont.mul(&a, &a), "N = {N}");
    }

    #[test]
    fn squaring_matches_multiplication_at_every_size() {
        let mut rng = OsRng;
        squaring_matches_multiplication_at::<1>(&mut rng);
        squaring_matches_multiplication_at::<2>(&mut rng);
        squaring_matches_multiplication_at::<3>(&mut rng);
        squaring_matches_multiplication_at::<4>(&mut rng);
        squaring_matches_multiplication_at::<7>(&mut rng);
        squaring_matches_multiplication_at::<16>(&mut rng);
        squaring_matches_multiplication_at::<32>(&mut rng);
    }

    #[test]
    fn powers_of_two_match_modpow() {
        let mut rng = OsRng;
        for _ in 0..8 {
            let mut m = random_limbs::<6>(&mut rng);
            m[0] |= 1;
            let e = random_limbs::<6>(&mut rng);
            let mont = Mont::new(m);
            let mut one = [0u64; 6];
            one[0] = 1;
            let got = to_biguint(&mont.mul(&mont.pow2(&e), &one));
            let want = BigUint::from(2u32).modpow(&to_biguint(&e), &to_biguint(&m));
            assert_eq!(got, want);
        }
    }

    fn mont_reduce_input(b: &Limbs<4>, m: &Limbs<4>) -> Limbs<4> {
        limbs::<4>(&(to_biguint(b) % to_biguint(m)))
    }

    #[test]
    fn barrett_remainders_match_division() {
        let mut rng = OsRng;
        for p in [3u32, 5, 65537, 65521, 1_048_573, u32::MAX] {
            let sp = SmallPrime::new(p);
            for v in [0, 1, u64::from(p) - 1, u64::from(p), u64::MAX, u64::MAX - 1] {
                assert_eq!(sp.reduce(v), v % u64::from(p), "{v} mod {p}");
            }
            for _ in 0..1000 {
                let v = rng.next_u64();
                assert_eq!(sp.reduce(v), v % u64::from(p), "{v} mod {p}");
            }
            let x = random_limbs::<32>(&mut rng);
            let want = to_biguint(&x) % BigUint::from(p);
            assert_eq!(BigUint::from(sp.rem(&x)), want);
            let four = [sp, SmallPrime::new(7), SmallPrime::new(1_048_573), sp];
            let rems = rem4(&four, &x);
            for (q, r) in four.iter().zip(rems) {
                assert_eq!(BigUint::from(r), to_biguint(&x) % BigUint::from(q.p));
            }
            // base + 2k is a multiple of p at the first multiple.
            let mut base = x;
            base[0] |= 1;
            if p % 2 == 1 {
                let k = sp.first_multiple(&base);
                let at = to_biguint(&base) + BigUint::from(2 * k);
                assert_eq!(at % BigUint::from(p), BigUint::from(0u32));
            }
        }
    }

    #[test]
    fn miller_rabin_agrees_on_known_numbers() {
        let mut rng = OsRng;
        // 2^127 - 1 is prime; 2^128 + 1 = 59649589127497217 × 5704689200685129054721.
        let m127 = limbs::<2>(&((BigUint::from(1u32) << 127usize) - 1u32));
        assert!(probably_prime(&m127, 10, &mut rng));
        let f7 = limbs::<3>(&((BigUint::from(1u32) << 128usize) + 1u32));
        assert!(!probably_prime(&f7, 10, &mut rng));
        // A Carmichael number.
        let c = limbs::<1>(&BigUint::from(561u32));
        assert!(!probably_prime(&c, 10, &mut rng));
    }

    #[test]
    fn primes_pass_an_independent_check() {
        for bits in [2048usize, 4096] {
            let (p, q) = rsa_primes(bits).expect("supported size");
            assert_ne!(p, q);
            for x in [&p, &q] {
                assert_eq!(x.bits(), bits / 2);
                assert!(
                    num_bigint_dig::prime::probably_prime(x, 20),
                    "not prime: {x}"
                );
                assert_ne!(x % BigUint::from(E), BigUint::from(1u32));
            }
            assert_eq!((&p * &q).bits(), bits);
        }
    }
}
