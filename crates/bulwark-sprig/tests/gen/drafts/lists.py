S = [
 '{{ list 1 "a" nil }}', '{{ tuple 1 2 }}', '{{ list }}', '{{ first (list 1 2 3) }}', '{{ first (list) }}', '{{ first "abc" }}', '{{ first nil }}', '{{ mustFirst 3 }}',
 '{{ rest (list 1 2 3) }}', '{{ rest (list) }}', '{{ last (list 1 2 3) }}', '{{ initial (list 1 2 3) }}', '{{ initial (list) }}',
 '{{ append (list 1 2) 3 }}', '{{ push (list) "a" }}', '{{ append "x" 1 }}', '{{ mustAppend nil 1 }}', '{{ prepend (list 1 2) 0 }}', '{{ prepend 3 0 }}',
 '{{ concat (list 1 2) (list 3) (list) }}', '{{ concat (list 1) 2 }}', '{{ reverse (list 1 2 3) }}', '{{ reverse "ab" }}',
 '{{ uniq (list 1 2 1 "a" "a" 1.0) }}', '{{ without (list 1 2 3 2) 2 }}', '{{ without (list 1 2 3) 1 3 }}', '{{ has 2 (list 1 2) }}', '{{ has "2" (list 1 2) }}', '{{ has 1 nil }}', '{{ has 1 "abc" }}',
 '{{ compact (list 1 0 "" nil false "a" (list) (dict)) }}', '{{ slice (list 1 2 3 4) 1 3 }}', '{{ slice (list 1 2 3 4) 2 }}', '{{ slice (list 1 2 3 4) }}', '{{ slice (list) 1 }}', '{{ slice (list 1 2) 1 5 }}', '{{ slice "abc" 1 }}',
 '{{ chunk 2 (list 1 2 3 4 5) }}', '{{ chunk 3 (list) }}', '{{ chunk 2 "ab" }}', '{{ until 5 }}', '{{ until -3 }}', '{{ until 0 }}', '{{ untilStep 0 10 3 }}', '{{ untilStep 10 0 -4 }}', '{{ untilStep 0 10 -1 }}',
 '{{ .l | first }}', '{{ .l | last }}', '{{ typeOf .l }}', '{{ typeOf (list) }}',
 '{{ mustLast nil }}', '{{ mustRest 1 }}', '{{ mustInitial "a" }}', '{{ mustReverse 1 }}', '{{ mustUniq 1 }}', '{{ mustWithout 1 2 }}', '{{ mustHas 1 2 }}', '{{ mustCompact "a" }}', '{{ mustChunk 1 2 }}', '{{ mustSlice 1 }}', '{{ mustPrepend 1 2 }}', '{{ mustPush 1 2 }}',
 '{{ range $i, $e := until 3 }}{{ $i }}{{ $e }} {{ end }}', '{{ len (list 1 2) }}', '{{ index (list 1 2) 1 }}',
]
CASES = [(f"lists {i}", t, {"l": [3, "b", 1.5]}) for i, t in enumerate(S)]
