"""Lexer/trim cases (facts from Go's parse/lex_test.go, checked through execution output),
execution error messages (exec_test.go error tests, Helm-shaped data) and resource limits.
Regenerate with `python3 tests/gen/other_cases.py`."""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from write_yaml import dump

here = os.path.dirname(__file__)

LEX = [
    ("text only", "now is the time", None, "now is the time"),
    ("text with comment", "hello-{{/* this is a comment */}}-world", None, "hello--world"),
    ("trimmed comment keeps no space", "hello- {{- /* this is a comment */ -}} -world", None, "hello--world"),
    ("comment with trim left only", "a \n {{- /* c */}} b", None, "a b"),
    ("comment with trim right only", "a {{/* c */ -}} \n b", None, "a b"),
    ("trim left removes spaces tabs and newlines", "x \t\r\n{{- 1 }}", None, "x1"),
    ("trim right removes spaces tabs and newlines", "{{ 1 -}} \t\r\n y", None, "1y"),
    ("trim both sides", "a  {{- 1 -}}  b", None, "a1b"),
    ("minus without space is a number", "{{-1}}", None, "-1"),
    ("minus number with spaces", "{{ -1 }}", None, "-1"),
    ("trim marker then negative number", "a {{- -1 -}} b", None, "a-1b"),
    ("trim does not cross other text", "a\nb {{- 1}}", None, "a\nb1"),
    ("trim keeps unicode spaces", "a\u00a0{{- 1}}", None, "a\u00a01"),
    ("trim right to end of text", "{{1 -}}   ", None, "1"),
    ("trim left at start of text", "   {{- 1}}", None, "1"),
    ("trim left with tab marker", "a \t{{-\t1}}", None, "a1"),
    ("trim right with newline marker", "{{1\n-}} \n b", None, "1b"),
    ("adjacent trims", "{{1 -}} \n {{- 2}}", None, "12"),
    ("trim across if", "{{- if true -}}\n  yes\n{{- end -}}\n", None, "yes"),
    ("range with trim", "{{- range . }}\n- {{ . }}\n{{- end }}\n", [1, 2], "\n- 1\n- 2\n"),
    ("helm-style define and include shape", "{{- define \"x\" -}}\nv: {{ . }}\n{{- end -}}\n{{ template \"x\" 3 }}", None, "v: 3"),
    ("raw string with newline", "{{`a\nb`}}", None, "a\nb"),
    ("raw string drops carriage returns", "{{`a\r\nb`}}", None, "a\nb"),
    ("quoted string escapes", '{{"a\\tb\\n\\u00e9\\x41\\101"}}', None, "a\tb\né\x41A"),
    ("char constant prints as int", "{{'a'}} {{'\\n'}} {{'\\u263a'}}", None, "97 10 9786"),
    ("keywords need terminators", "{{with $x := 3}}{{$x}}{{end}}", None, "3"),
    ("field followed by paren", "{{(.a).b}}", {"a": {"b": 2}}, "2"),
    ("spaces inside action are ignored", "{{   .a   |   print   }}", {"a": 1}, "1"),
    ("newlines inside action are spaces", "{{\n.a\n|\nprint\n}}", {"a": 1}, "1"),
    ("unicode identifiers", "{{$日本 := 1}}{{$日本}}", None, "1"),
    ("unicode field", "{{.日本}}", {"日本": "x"}, "x"),
    ("underscore field", "{{._a_}}", {"_a_": "u"}, "u"),
    ("digits in field", "{{.a1}}", {"a1": "d"}, "d"),
    ("dollar alone", "{{$}}", 5, "5"),
    ("number forms", "{{1}} {{-2}} {{+3}} {{1e3}} {{1.5e-3}} {{0x10}} {{0o10}} {{0b10}} {{010}} {{1_0}}", None, "1 -2 3 1000 0.0015 16 8 2 8 10"),
    ("float forms", "{{.5}} {{5.}} {{-.5}} {{1E2}}", None, "0.5 5 -0.5 100"),
    ("bool and nil keywords", "{{true}} {{false}} {{print nil}}", None, "true false <nil>"),
    ("pipe without spaces", "{{1|print}}", None, "1"),
    ("comment alone keeps surrounding text", "a{{/**/}}b", None, "ab"),
    ("comment spanning lines", "a{{/*\nx\n*/}}b", None, "ab"),
    ("left delimiter in string", '{{"{{"}}', None, "{{"),
    ("right delimiter in string", '{{"}}"}}', None, "}}"),
    ("text with single braces", "a { b } c", None, "a { b } c"),
    ("triple brace", "{{{1}}", None, None),
]

lex_cases = []
for note, inp, data, want in LEX:
    c = {"note": note, "input": inp}
    if data is not None:
        c["data"] = data
    if want is None:
        c["want_error"] = "template: t:1: unexpected \"{\" in command"
    else:
        c["want"] = want
    lex_cases.append(c)
lex_cases.append({"note": "identifier followed by paren needs a space", "input": "{{print(1)}}", "want_error": "template: t:1: unexpected \"(\" in operand"})
lex_cases.append({"note": "unclosed comment", "input": "{{/* x", "want_error": "template: t:1: unclosed comment"})
lex_cases.append({"note": "trim marker inside comment needs space", "input": "{{/* x */-}}", "want_error": "template: t:1: comment ends before closing delimiter"})
lex_cases.append({"note": "line numbers count raw strings", "input": "{{`a\nb`}}\n{{.x.y}}", "data": {"x": None}, "want_error": "template: t:3:4: executing \"t\" at <.x.y>: nil pointer evaluating interface {}.y"})
lex_cases.append({"note": "line numbers count trimmed newlines", "input": "a\n\n{{- .x.y}}", "data": {"x": None}, "want_error": "template: t:3:6: executing \"t\" at <.x.y>"})
lex_cases.append({"note": "column counts bytes", "input": "é{{.x.y}}", "data": {"x": None}, "want_error": "template: t:1:6: executing"})
dump(os.path.join(here, "..", "cases", "lex.yaml"),
     "Lexing and trim-marker behaviour, checked through execution output (facts from Go's\n"
     "text/template/parse/lex_test.go). Generated by tests/gen/other_cases.py.", lex_cases)

ERRS = [
    ("missing function at parse", "{{nope 1}}", None, 'template: t:1: function "nope" not defined'),
    ("field on a list", "{{.a.b}}", {"a": [1]}, 'template: t:1:4: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}'),
    ("field on top-level list", "{{.b}}", [1], 'template: t:1:2: executing "t" at <.b>: can\'t evaluate field b in type []interface {}'),
    ("field on top-level string", "{{.b}}", "s", "can't evaluate field b in type string"),
    ("field on int from with", "{{with .a}}{{.b}}{{end}}", {"a": 1}, 'template: t:1:13: executing "t" at <.b>: can\'t evaluate field b in type int'),
    ("deep nil chain on second line", "ok\n  {{ .Values.a.b.c }}", {"Values": {"a": None}}, 'template: t:2:12: executing "t" at <.Values.a.b.c>: nil pointer evaluating interface {}.b'),
    ("wrong type to printf format", '{{printf .a}}', {"a": 1}, 'template: t:1:9: executing "t" at <.a>: wrong type for value; expected string; got int'),
    ("literal of wrong type to a string parameter", '{{oneArg 3}}', None, 'template: t:1:9: executing "t" at <3>: expected string; found 3'),
    ("nil to a string parameter", '{{oneArg nil}}', None, 'template: t:1:9: executing "t" at <nil>: cannot assign nil to string'),
    ("missing value to a string parameter", '{{oneArg .x}}', {}, 'template: t:1:9: executing "t" at <.x>: invalid value; expected string'),
    ("null value to a string parameter", '{{oneArg .x}}', {"x": None}, 'template: t:1:9: executing "t" at <.x>: wrong type for value; expected string; got interface {}'),
    ("too few arguments", '{{twoArgs "a"}}', None, 'template: t:1:2: executing "t" at <twoArgs>: wrong number of args for twoArgs: want 2 got 1'),
    ("too many arguments", '{{oneArg "a" "b"}}', None, 'template: t:1:2: executing "t" at <oneArg>: wrong number of args for oneArg: want 1 got 2'),
    ("variadic too few", '{{dddArg}}', None, 'template: t:1:2: executing "t" at <dddArg>: wrong number of args for dddArg: want at least 1 got 0'),
    ("float literal to int parameter", '{{dddArg 1.5}}', None, 'template: t:1:9: executing "t" at <1.5>: expected integer; found 1.5'),
    ("function error location is the command", '{{ "x" | fail }}', None, 'template: t:1:9: executing "t" at <fail>: error calling fail: x'),
    ("function error in parentheses", '{{ print (fail "in") }}', None, 'template: t:1:10: executing "t" at <fail "in">: error calling fail: in'),
    ("error in a defined template reports its name", '{{define "d"}}\n{{ fail "x" }}{{end}}{{template "d"}}', None, 'template: t:2:3: executing "d" at <fail "x">: error calling fail: x'),
    ("template name in error is quoted", '{{.a.b}}', {"a": None}, 'executing "my tmpl" at'),
    ("range over a bool", '{{range true}}{{end}}', None, "template: t:1:8: executing \"t\" at <true>: range can't iterate over true"),
    ("range over a map value of wrong kind", '{{range .a}}{{end}}', {"a": "str"}, "range can't iterate over str"),
    ("undefined template", '{{template "missing" .}}', None, 'template "missing" not defined'),
    ("index a map with a number", '{{index . 1}}', {"a": 1}, "error calling index: value has type int; should be string"),
    ("index a string", '{{index "abc" 1}}', None, None),
    ("index past the end of a list by one", '{{index . 2}}', [1, 2], "error calling index: reflect: slice index out of range"),
    ("index an int", '{{index 1 1}}', None, "error calling index: can't index item of type int"),
    ("index of a nil element", '{{index . 0 1}}', [None], "error calling index: index of nil pointer"),
    ("slice an int", '{{slice 1}}', None, "error calling slice: can't slice item of type int"),
    ("slice nil", '{{slice nil}}', None, "error calling slice: slice of untyped nil"),
    ("too many slice indexes", '{{slice . 1 2 3 4}}', [1, 2], "error calling slice: too many slice indexes: 4"),
    ("len of a missing key", '{{len .x}}', {}, "error calling len: reflect: call of reflect.Value.Type on zero Value"),
    ("call of a value", '{{call .a}}', {"a": 1}, "error calling call: non-function .a of type int"),
    ("nested error through include keeps both locations", '{{define "x"}}{{.a.b}}{{end}}{{include "x" .}}', {"a": None}, 'error calling include: template: t:1:18: executing "x" at <.a.b>: nil pointer evaluating interface {}.b'),
    ("tpl parse error", '{{tpl "{{" .}}', None, "error calling tpl: template: tpl:1: unclosed action"),
    ("tpl sees templates of the set", '{{define "x"}}X{{end}}{{tpl "{{template \\"x\\"}}" .}}', None, None),
    ("unknown template to execute", None, None, 'template: no template "nope" associated with template "root"'),
]
err_cases = [
    {"note": "helm issue1979 golden: missing parent under missingkey=zero", "missingkey": "zero",
     "input": "\n" * 15 + "    values: {{.Values.test.Name}}\n", "data": {"Values": {}},
     "want_error": 'template: t:16:21: executing "t" at <.Values.test.Name>: nil pointer evaluating interface {}.Name'},
    {"note": "helm invalid-template-expr golden: missing value piped to a string parameter", "missingkey": "zero",
     "input": "  - name: {{ .Values.nonExistentKey | oneArg }}", "data": {"Values": {}},
     "want_error": 'template: t:1:38: executing "t" at <oneArg>: invalid value; expected string'},
]
for note, inp, data, want in ERRS:
    c = {"note": note, "input": inp if inp is not None else "x"}
    if data is not None:
        c["data"] = data
    if note == "template name in error is quoted":
        c["name"] = "my tmpl"
    if note == "unknown template to execute":
        c["execute"] = "nope"
    if note == "index a string":
        c["want"] = "98"
    elif note == "tpl sees templates of the set":
        c["want"] = "X"
    else:
        c["want_error"] = want
    err_cases.append(c)
dump(os.path.join(here, "..", "cases", "exec_errors.yaml"),
     "Execution error messages: `template: NAME:LINE:COL: executing \"NAME\" at <NODE>: …`\n"
     "with Go's wording (exec.go, funcs.go). Generated by tests/gen/other_cases.py.", err_cases)

deep_parens = "{{" + "(" * 1001 + "1" + ")" * 1001 + "}}"
deep_ifs = "{{if true}}" * 1001 + "x" + "{{end}}" * 1001
LIM = [
    {"note": "recursive template hits the depth limit", "input": '{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', "want_error": "exceeded maximum template depth (1000)"},
    {"note": "smaller depth limit", "max_template_depth": 10, "input": '{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', "want_error": 'executing "r" at <{{template "r" .}}>: exceeded maximum template depth (10)'},
    {"note": "recursive include hits the depth limit", "max_template_depth": 50, "input": '{{define "r"}}{{include "r" .}}{{end}}{{include "r" .}}', "want_error": "exceeded maximum template depth (50)"},
    {"note": "recursive tpl hits the depth limit", "max_template_depth": 20, "input": '{{tpl "{{tpl .t .}}" .}}', "data": {"t": "{{tpl .t .}}"}, "want_error": "exceeded maximum template depth (20)"},
    {"note": "step budget stops long loops", "max_steps": 1000, "input": "{{range 100000}}x{{end}}", "want_error": "execution exceeded 1000 steps"},
    {"note": "step budget counts nested ranges", "max_steps": 5000, "input": "{{range 100}}{{range 100}}x{{end}}{{end}}", "want_error": "execution exceeded 5000 steps"},
    {"note": "output cap", "max_output_bytes": 100, "input": "{{range 1000}}abc{{end}}", "want_error": "output exceeds 100 bytes"},
    {"note": "output under the cap", "max_output_bytes": 100, "input": "{{range 10}}abc{{end}}", "want": "abc" * 10},
    {"note": "parenthesis nesting beyond the parse limit", "input": deep_parens, "want_error": "template: t:1: max expression depth exceeded"},
    {"note": "control nesting beyond the parse limit", "input": deep_ifs, "want_error": "template: t:1: max expression depth exceeded"},
    {"note": "parenthesis nesting within the limit", "input": "{{" + "(" * 200 + "1" + ")" * 200 + "}}", "want": "1"},
    {"note": "control nesting within the limit", "input": "{{if true}}" * 200 + "x" + "{{end}}" * 200, "want": "x"},
]
dump(os.path.join(here, "..", "cases", "limits.yaml"),
     "Resource limits: recursion, steps, output, parser nesting. Generated by\n"
     "tests/gen/other_cases.py.", LIM)
