S = [
 '{{ dict "a" 1 "b" "x" }}', '{{ dict 1 2 true "t" }}', '{{ dict "a" }}', '{{ dict }}', '{{ get (dict "a" 1) "a" }}', '{{ get (dict "a" 1) "b" }}', '{{ typeOf (get (dict) "b") }}',
 '{{ set (dict "a" 1) "b" 2 }}', '{{ unset (dict "a" 1 "b" 2) "a" }}', '{{ hasKey (dict "a" 1) "a" }}', '{{ hasKey (dict "a" 1) "b" }}',
 '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', '{{ keys (dict "b" 1 "a" 2) | sortAlpha }}', '{{ keys (dict "b" 1) (dict "a" 2) | sortAlpha }}', '{{ pick (dict "a" 1 "b" 2 "c" 3) "a" "c" "z" }}', '{{ omit (dict "a" 1 "b" 2 "c" 3) "a" "z" }}',
 '{{ values (dict "a" 1) }}', '{{ dig "a" "b" "def" (dict "a" (dict "b" 1)) }}', '{{ dig "a" "x" "def" (dict "a" (dict "b" 1)) }}', '{{ dig "a" "b" "def" (dict "a" 1) }}', '{{ dig "a" "d" (dict) }}', '{{ dig "a" (dict) }}',
 '{{ merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2)) | toJson }}', '{{ mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2 "x" 5)) | toJson }}',
 '{{ merge (dict "a" "" "b" false "c" 0) (dict "a" "x" "b" true "c" 5) | toJson }}', '{{ mergeOverwrite (dict "a" 1) (dict "a" "") | toJson }}', '{{ mergeOverwrite (dict "a" 1) (dict "a" nil) | toJson }}', '{{ merge (dict "a" 1) (dict "a" nil) | toJson }}',
 '{{ merge (dict "l" (list 1)) (dict "l" (list 2 3)) | toJson }}', '{{ mergeOverwrite (dict "l" (list 1)) (dict "l" (list 2 3)) | toJson }}', '{{ merge (dict "a" "s") (dict "a" (dict "x" 1)) | toJson }}', '{{ mergeOverwrite (dict "a" "s") (dict "a" (dict "x" 1)) | toJson }}',
 '{{ merge (dict) .m | toJson }}', '{{ mustMerge (dict "a" 1) (dict "b" 2) | toJson }}', '{{ deepCopy .m | toJson }}', '{{ get .m "k" }}', '{{ hasKey .m "k" }}', '{{ .m.k }}',
 '{{ set "x" "a" 1 }}', '{{ keys "x" }}', '{{ typeOf (dict) }}', '{{ kindOf (dict) }}',
]
CASES = [(f"dicts {i}", t, {"m": {"k": "v", "n": {"z": [1, 2]}}}) for i, t in enumerate(S)]
