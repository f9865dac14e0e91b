S = [
 '{{ default "d" "" }}', '{{ default "d" "x" }}', '{{ default "d" 0 }}', '{{ default "d" false }}', '{{ default "d" (list) }}', '{{ default "d" nil }}', '{{ default "d" }}', '{{ default "d" .missing }}', '{{ default "d" .z }}', '{{ .z | default 5 }}',
 '{{ empty "" }}', '{{ empty 0 }}', '{{ empty 0.0 }}', '{{ empty (dict) }}', '{{ empty "a" }}', '{{ empty nil }}', '{{ empty .missing }}', '{{ empty .m }}',
 '{{ coalesce "" 0 "a" "b" }}', '{{ coalesce "" nil }}', '{{ all 1 "a" true }}', '{{ all 1 "" }}', '{{ any "" 0 "x" }}', '{{ any }}', '{{ all }}',
 '{{ ternary "y" "n" true }}', '{{ ternary "y" "n" false }}', '{{ ternary "y" "n" 1 }}',
 '{{ typeOf 1 }}', '{{ typeOf 1.5 }}', '{{ typeOf "s" }}', '{{ typeOf nil }}', '{{ typeOf .m }}', '{{ typeOf .n }}', '{{ kindOf 1 }}', '{{ kindOf "s" }}', '{{ kindOf (list) }}', '{{ kindOf nil }}', '{{ kindIs "map" .m }}', '{{ typeIs "int" 1 }}', '{{ typeIsLike "int" 1 }}', '{{ deepEqual (list 1 2) (list 1 2) }}', '{{ deepEqual 1 1.0 }}', '{{ deepEqual .m .m }}',
 '{{ fail "boom" }}', '{{ required "need x" .missing }}', '{{ required "need x" "" }}', '{{ required "need x" "v" }}', '{{ required "need x" 0 }}',
 '{{ b64enc "hello" }}', '{{ b64dec "aGVsbG8=" }}', '{{ b64dec "!!" }}', '{{ b64enc "" }}', '{{ b32enc "hello" }}', '{{ b32dec "NBSWY3DP" }}', '{{ b32dec "x" }}', '{{ b64enc "ab" }}', '{{ b64dec "YWI=" }}',
 '{{ base "/a/b.txt" }}', '{{ base "" }}', '{{ base "/" }}', '{{ dir "/a/b/c" }}', '{{ dir "a" }}', '{{ clean "a//b/../c/." }}', '{{ clean "" }}', '{{ ext "a/b.tar.gz" }}', '{{ ext "a.b/c" }}', '{{ isAbs "/a" }}', '{{ isAbs "a" }}', '{{ osBase "/x/y" }}', '{{ osDir "x/y" }}', '{{ osClean "/../a" }}', '{{ osExt "f.yaml" }}', '{{ osIsAbs "/" }}',
 '{{ regexMatch "^[a-z]+$" "abc" }}', '{{ regexMatch "(" "abc" }}', '{{ mustRegexMatch "(" "abc" }}', '{{ regexFind "[0-9]+" "ab12cd34" }}', '{{ regexFindAll "[0-9]" "a1b2c3" -1 }}', '{{ regexFindAll "[0-9]" "a1b2c3" 2 }}', '{{ regexFindAll "x*" "abc" -1 }}',
 '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}', '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', '{{ regexSplit "z+" "pizza" -1 }}', '{{ regexSplit "z+" "pizza" 1 }}', '{{ regexSplit "" "abc" -1 }}', '{{ regexSplit "a" "" -1 }}', '{{ regexQuoteMeta "1.5-2.0?" }}', '{{ regexFind "(" "x" }}',
 '{{ urlParse "https://user:pw@host.com:8080/p/a%20th?q=1#frag" | toJson }}', '{{ urlParse "mailto:x@y.z" | toJson }}', '{{ urlParse "/rel/path" | toJson }}',
 '{{ urlJoin (dict "scheme" "https" "host" "h.com" "path" "/p" "query" "a=1" "fragment" "f") }}', '{{ urlJoin (dict "host" "h" "path" "p") }}', '{{ urlquery "a b&c" }}', '{{ getHostByName "localhost" }}',
 '{{ lookup "v1" "Pod" "ns" "x" }}', '{{ lookup "v1" "Pod" "ns" "x" | typeOf }}',
]
CASES = [(f"flow {i}", t, {"m": {"a": 1}, "n": 3, "z": 0}) for i, t in enumerate(S)]
