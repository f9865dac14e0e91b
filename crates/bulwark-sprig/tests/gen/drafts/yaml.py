vals = ["yes", "no", "on", "off", "y", "n", "true", "True", "null", "~", "", "1.0", "1", "0777", "0x1F", "1e3", "1_000", ".5", "-", "- a", "a: b", "a:b", "a #b", "a#b", "#a", "*", "&a", "!a", "|", ">", "%", "@", "`", "'q'", '"dq"', " lead", "trail ", "a\nb", "a\nb\n", "a\n\nb", "\nlead", "a  \nb", "a\n b", "tab\there", "ünï", "😀", "2021-01-01", "2021-13-01", "12:30", "1:20:30", "<<", "---", "...", "?", "? x", ":x", "x:", "[a]", "{a}", "a,b", "-1", "+1", ".inf", "-.inf", ".nan", "NaN", "0b101", "0o17", "1e+06", "12345678901234567890", "x" * 90, ("word " * 25).strip(), "a " * 50, "ctrl\x01", "bell\x07", "\u2028", "nbsp\u00a0x", "quote\"s", "back\\slash", "a\r\nb", "multi\nline with trailing space \nz"]
nums = [0, 1, -1, 1.5, 1e6, 1e20, 1e21, 1e-7, 0.000001, 123456789.5, 3.0, -0.0, 2**53, 9.2e18, 1e100]
CASES = []
for i, v in enumerate(vals):
    CASES.append((f"toYaml string {i}", "{{ toYaml .v }}", {"v": v}))
    CASES.append((f"toYaml string in map {i}", "{{ toYaml . }}", {"k": v, "l": [v]}))
for i, v in enumerate(nums):
    CASES.append((f"toYaml number {i}", "{{ toYaml . }}", {"n": v}))
CASES += [
 ("nested", "{{ toYaml . }}", {"a": {"b": [1, {"c": [[1, 2], []], "d": {}}], "e": None}, "z": [{"x": {"y": 1}}]}),
 ("keys order", "{{ toYaml . }}", {"b": 1, "B": 2, "_": 3, "1a": 4, "a1": 5, "a01": 6, "a-1": 7, "é": 8, "": 9, "key with space": 10, "yes": 11, "null": 12}),
 ("long key", "{{ toYaml . }}", {"k" * 130: 1}),
 ("multiline key", "{{ toYaml . }}", {"a\nb": 1}),
 ("nindent", "x:{{ toYaml . | nindent 2 }}", {"a": [1, 2], "b": "c"}),
 ("empty map", "{{ toYaml . }}", {}),
 ("nil", "{{ toYaml .missing }}", {}),
 ("list top", "{{ toYaml .l }}", {"l": [1, "a", None, [], {}]}),
 ("dict ints", '{{ toYaml (dict "a" 1 "b" 2.5 "c" true "d" (list 1 2)) }}', None),
 ("toJson", "{{ toJson . }}", {"a": "<b>&", "n": 1e6, "f": 1.5, "s": "\u2028", "e": 1e-7, "z": 1e21}),
 ("toPrettyJson", "{{ toPrettyJson . }}", {"a": [1, {"b": 2}], "c": {}, "d": []}),
 ("toRawJson", "{{ toRawJson . }}", {"a": "<b>&"}),
 ("fromYaml", "{{ (fromYaml \"a: 1\\nb: [x, yes]\\nc: {d: 0777}\") | toJson }}", None),
 ("fromYaml list", "{{ (fromYaml \"- a\") | toJson }}", None),
 ("fromYaml scalar", "{{ (fromYaml \"abc\") | toJson }}", None),
 ("fromYaml empty", "{{ (fromYaml \"\") | toJson }}", None),
 ("fromYamlArray", "{{ (fromYamlArray \"- 1\\n- b\") | toJson }}", None),
 ("fromYamlArray map", "{{ (fromYamlArray \"a: 1\") | toJson }}", None),
 ("fromJson", "{{ (fromJson \"{\\\"a\\\": 1, \\\"b\\\": [true, null]}\") | toJson }}", None),
 ("fromJson bad", "{{ (fromJson \"{\") | toJson }}", None),
 ("fromJson list", "{{ (fromJson \"[1]\") | toJson }}", None),
 ("fromJsonArray", "{{ (fromJsonArray \"[1, \\\"a\\\"]\") | toJson }}", None),
 ("mustFromJson", "{{ (mustFromJson \"[1]\") | toJson }}", None),
 ("fromToml", "{{ (fromToml \"a = 1\\n[b]\\nc = \\\"x\\\"\") | toJson }}", None),
 ("toToml", "{{ toToml . }}", {"a": "x", "b": {"c": True}}),
 ("mustToYaml", "{{ mustToYaml . }}", {"a": 1}),
 ("toYamlPretty", "{{ toYamlPretty . }}", {"a": "b", "n": 1}),
 ("include missing", '{{ include "nope" . }}', None),
 ("tpl", '{{ tpl "{{ .a }}-{{ upper .b }}" . }}', {"a": 1, "b": "x"}),
]
