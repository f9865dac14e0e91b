//! HCL2 (Terraform) files in hcl2json's shape, as conftest reads them: attributes become
//! values, a block becomes a list of bodies nested under its type and labels
//! (`resource "aws_s3_bucket" "b" {}` → `{"resource": {"aws_s3_bucket": {"b": [{}]}}}`),
//! literals become JSON, and any other expression its source text in `${...}`.

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{BlockLabel, Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use serde_json::{Map, Value};

pub(super) fn parse(text: &str) -> Result<Value, (Option<u32>, String)> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        (Some(loc.line() as u32), e.message().to_owned())
    })?;
    let c = Converter { text };
    c.body(&body).map(Value::Object)
}

struct Converter<'a> {
    text: &'a str,
}

impl Converter<'_> {
    fn source(&self, span: Option<std::ops::Range<usize>>) -> String {
        span.and_then(|r| self.text.get(r))
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    fn body(&self, body: &Body) -> Result<Map<String, Value>, (Option<u32>, String)> {
        let mut out = Map::new();
        for s in body.iter() {
            if let Structure::Attribute(a) = s {
                out.insert(a.key.as_str().to_owned(), self.expr(&a.value));
            }
        }
        for s in body.iter() {
            let Structure::Block(b) = s else { continue };
            let value = Value::Object(self.body(&b.body)?);
            let mut target = &mut out;
            let mut key = b.ident.as_str().to_owned();
            for label in &b.labels {
                let label = match label {
                    BlockLabel::Ident(i) => i.as_str().to_owned(),
                    BlockLabel::String(s) => s.as_str().to_owned(),
                };
                let entry = target
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(inner) = entry else {
                    let line = b.span().map(|r| super::line_col(self.text, r.start).0);
                    return Err((
                        line,
                        format!("block `{key}` clashes with an attribute of the same name"),
                    ));
                };
                target = inner;
                key = label;
            }
            match target.get_mut(&key) {
                Some(Value::Array(list)) => list.push(value),
                Some(other) => {
                    let prev = other.take();
                    *other = Value::Array(vec![prev, value]);
                }
                None => {
                    target.insert(key, Value::Array(vec![value]));
                }
            }
        }
        Ok(out)
    }

    fn expr(&self, e: &Expression) -> Value {
        match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => serde_json::from_str(&n.value().to_string())
                .unwrap_or_else(|_| Value::String(n.value().to_string())),
            Expression::String(s) => Value::String(s.value().clone()),
            Expression::Array(a) => Value::Array(a.iter().map(|x| self.expr(x)).collect()),
            Expression::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_owned(),
                        ObjectKey::Expression(Expression::Traversal(t)) => self.source(t.span()),
                        ObjectKey::Expression(Expression::Variable(v)) => v.as_str().to_owned(),
                        ObjectKey::Expression(x) => self.string_part(x),
                    };
                    m.insert(key, self.expr(v.expr()));
                }
                Value::Object(m)
            }
            Expression::StringTemplate(t) => Value::String(self.template(t)),
            Expression::HeredocTemplate(h) => Value::String(self.template(&h.template)),
            Expression::Parenthesis(p) => Value::String(format!("${{{}}}", self.source(p.span()))),
            other => Value::String(format!("${{{}}}", self.source(other.span()))),
        }
    }

    fn template(&self, t: &Template) -> String {
        let mut out = String::new();
        for el in t.iter() {
            match el {
                Element::Literal(l) => out.push_str(l.value()),
                Element::Interpolation(i) => out.push_str(&self.string_part(&i.expr)),
                Element::Directive(d) => out.push_str(&self.directive(d)),
            }
        }
        out
    }

    fn directive(&self, d: &Directive) -> String {
        match d {
            Directive::If(i) => {
                let mut s = format!("%{{if {}}}", self.source(i.if_expr.cond_expr.span()));
                s.push_str(&self.template(&i.if_expr.template));
                if let Some(e) = &i.else_expr {
                    let t = self.template(&e.template);
                    if !t.is_empty() {
                        s.push_str("%{else}");
                        s.push_str(&t);
                    }
                }
                s.push_str("%{endif}");
                s
            }
            Directive::For(f) => {
                let fe = &f.for_expr;
                let mut s = String::from("%{for ");
                if let Some(k) = &fe.key_var {
                    s.push_str(k.as_str());
                    s.push_str(", ");
                }
                s.push_str(fe.value_var.as_str());
                s.push_str(" in ");
                s.push_str(&self.source(fe.collection_expr.span()));
                s.push('}');
                s.push_str(&self.template(&fe.template));
                s.push_str("%{endfor}");
                s
            }
        }
    }

    /// An expression inside a string: literals as their text, anything else as `${...}`.
    fn string_part(&self, e: &Expression) -> String {
        match e {
            Expression::String(s) => s.value().clone(),
            Expression::Number(n) => n.value().to_string(),
            Expression::Bool(b) => b.value().to_string(),
            Expression::StringTemplate(t) => self.template(t),
            other => format!("${{{}}}", self.source(other.span())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl2json_shape() {
        let v = parse(
            "variable \"x\" {}\nresource \"aws_lb\" \"a\" {\n  port = 80\n  name = \"n-${var.x}\"\n  ids = [var.y, 1]\n  tags = { env = \"prod\" }\n  rule { on = true }\n}\nresource \"aws_lb\" \"b\" {}\n",
        )
        .expect("parses");
        let a = &v["resource"]["aws_lb"]["a"][0];
        assert_eq!(a["port"], 80);
        assert_eq!(a["name"], "n-${var.x}");
        assert_eq!(a["ids"], serde_json::json!(["${var.y}", 1]));
        assert_eq!(a["tags"]["env"], "prod");
        assert_eq!(a["rule"][0]["on"], true);
        assert!(v["resource"]["aws_lb"]["b"].is_array());
        assert!(v["variable"]["x"][0].is_object());
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = parse("a = 1\nb = = 2\n").expect_err("fails");
        assert_eq!(e.0, Some(2));
    }
}
