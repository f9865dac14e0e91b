//! Times `genPrivateKey "rsa"` (RSA-4096) and `genCA` (RSA-2048 plus a certificate):
//! `cargo run --release -p bulwark-sprig --example keygen_bench [N]`.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::Instant;

use bulwark_gotmpl::{FuncMap, TemplateSet, Value};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let mut f = FuncMap::new();
    bulwark_sprig::register_system(&mut f);
    let mut set = TemplateSet::new("t", Arc::new(f));
    set.parse("rsa", r#"{{ genPrivateKey "rsa" }}"#)
        .expect("parses");
    set.parse("ca", r#"{{ (genCA "ca" 365).Cert }}"#)
        .expect("parses");
    for name in ["rsa", "ca"] {
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            set.execute(name, &Value::Nil).expect("runs");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let mean = times.iter().sum::<f64>() / n as f64;
        println!(
            "{name}: n={n} mean={mean:.0}ms median={:.0}ms min={:.0}ms max={:.0}ms",
            times[n / 2],
            times[0],
            times[n - 1]
        );
    }
}
