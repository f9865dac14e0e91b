S = [
 '{{ add 1 2 3 }}', '{{ add "1" 2 }}', '{{ add 1.9 1 }}', '{{ add nil 1 }}', '{{ add "3.0" 1 }}', '{{ add "3.9" 1 }}', '{{ add "0x10" 1 }}', '{{ add "010" 1 }}', '{{ add true 1 }}', '{{ add (list 1) 1 }}', '{{ typeOf (add 1 2) }}',
 '{{ add1 5 }}', '{{ sub 5 7 }}', '{{ div 7 2 }}', '{{ div -7 2 }}', '{{ div 1 0 }}', '{{ mod 7 3 }}', '{{ mod -7 3 }}', '{{ mod 1 0 }}', '{{ mul 2 3 4 }}', '{{ mul 2 }}',
 '{{ max 1 5 3 }}', '{{ min 4 2 9 }}', '{{ biggest 1 2 }}', '{{ maxf 1.5 2 }}', '{{ minf 1.5 2 "0.5" }}', '{{ floor 1.7 }}', '{{ ceil 1.2 }}', '{{ floor "2.5" }}', '{{ round 3.14159 2 }}', '{{ round 2.5 0 }}', '{{ round -2.5 0 }}', '{{ round 1.2345 3 0.4 }}',
 '{{ addf 0.1 0.2 }}', '{{ addf 1 2 "3.5" }}', '{{ add1f 1.5 }}', '{{ subf 1 0.9 }}', '{{ mulf 1.1 3 }}', '{{ divf 10 4 }}', '{{ divf 1 3 }}', '{{ divf 1 0 }}', '{{ addf }}', '{{ typeOf (addf 1 2) }}',
 '{{ int "3.9" }}', '{{ int 3.9 }}', '{{ int "42" }}', '{{ int nil }}', '{{ int "abc" }}', '{{ int -3.9 }}', '{{ typeOf (int 1) }}', '{{ int64 "12" }}', '{{ typeOf (int64 1) }}', '{{ float64 "1.5" }}', '{{ float64 3 }}', '{{ float64 "x" }}', '{{ typeOf (float64 1) }}',
 '{{ atoi "42" }}', '{{ atoi "4.2" }}', '{{ atoi "-7" }}', '{{ atoi " 1" }}', '{{ toDecimal "0777" }}', '{{ toDecimal 777 }}', '{{ toDecimal "8" }}',
 '{{ seq 5 }}', '{{ seq -3 }}', '{{ seq 0 }}', '{{ seq 2 5 }}', '{{ seq 5 2 }}', '{{ seq 0 2 10 }}', '{{ seq 10 -3 1 }}', '{{ seq 10 3 1 }}', '{{ seq }}',
 '{{ add .n 1 }}', '{{ mul .n .n }}', '{{ .n }}', '{{ div .f 1 }}', '{{ addf .f .f }}', '{{ add1 .big }}', '{{ int .big }}', '{{ float64 .n }}',
]
CASES = [(f"math {i}", t, {"n": 3, "f": 2.5, "big": 1e6}) for i, t in enumerate(S)]
