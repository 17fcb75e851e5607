;; The hot paths' byte scan, sixteen bytes a step (WebAssembly SIMD; Node 20 has it). A JavaScript loop that tests
;; one byte at a time costs ~1.1-1.5 ns a byte on this class of machine; this kernel finds the delimiters of a line
;; at ~0.1 ns a byte, and the format's JavaScript then visits only those (split, same). For a scan's common line it
;; goes further: rows (CSV), fields (AWS VPC), netfilter, panos and cef (syslog) read whole lines, many per call,
;; and settle those a format's hot path would settle as FILTERED, stopping at the first they are not sure of — each
;; mirrors one function of its format module, and the tests hold both to the text path. Compiled by
;; scripts/build-kernel.mjs into split-wasm.ts (kept in the repository; a test compiles this file again and compares).
;;
;; Memory: i32 slot 0 is an answer, slots 1..MAX_HITS the positions found (bytes 4..65535; slot 1 of the functions that
;; settle lines: 1 when they stopped at a line only because a rule wants its port, else 0); the bytes scanned are
;; copied in from byte 65536 on (kernel.ts); the page after them is slack, because a load of 16 bytes (32 in the
;; steps of fields and the syslog functions) may run past the end, and holds, from 1114128: the header `same` compares
;; with (256 bytes), at 1114640 the line prefix the syslog functions compare with (256), at 1115152 the field checks of
;; `fields` (64), at 1115280 the type `panos` compares (64), at 1115408 the frame `json` compares with (4096, then 16
;; of slack) and at 1119520 its segment offsets (i32s, at most 257 + 1), and at 1179392 the table of the bytes
;; netfilter's words start with (256, its data segment); the last page, from 1179648, is the table of wanted ports
;; (byte p: 1 when port p is wanted).
(module
  (memory (export "memory") 19)
  ;; netfilter's first bytes of the words it reads after OUT=: S, D, P and [ (byte c of the table at 1179392: 1)
  (data (i32.const 1179475) "\01")
  (data (i32.const 1179460) "\01")
  (data (i32.const 1179472) "\01")
  (data (i32.const 1179483) "\01")

  ;; split(from, to, a, b, c, below, keep): the bytes equal to `a` in memory [from, to): returns how many there are,
  ;; and puts the positions of the first `keep` of them, in order, in slots 1..keep. Slot 0 gets the position of the
  ;; first byte equal to `b` or `c` or below `below` (-1: none).
  (func (export "split") (param $from i32) (param $to i32) (param $a i32) (param $b i32) (param $c i32) (param $below i32) (param $keep i32) (result i32)
    (local $p i32) (local $va v128) (local $vb v128) (local $vc v128) (local $vbelow v128) (local $v v128)
    (local $ma i32) (local $mb i32) (local $n i32) (local $first i32) (local $left i32) (local $bytes i32)
    (local.set $va (i8x16.splat (local.get $a)))
    (local.set $vb (i8x16.splat (local.get $b)))
    (local.set $vc (i8x16.splat (local.get $c)))
    (local.set $vbelow (i8x16.splat (local.get $below)))
    (local.set $first (i32.const -1))
    (local.set $p (local.get $from))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $p) (local.get $to)))
        (local.set $v (v128.load (local.get $p)))
        ;; bit k of a mask: byte p + k is one looked for
        (local.set $ma (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $va))))
        (local.set $mb (i8x16.bitmask (v128.or
          (v128.or (i8x16.eq (local.get $v) (local.get $vb)) (i8x16.eq (local.get $v) (local.get $vc)))
          (i8x16.lt_u (local.get $v) (local.get $vbelow)))))
        ;; the last block: only the bytes before `to`
        (local.set $left (i32.sub (local.get $to) (local.get $p)))
        (if (i32.lt_u (local.get $left) (i32.const 16))
          (then
            (local.set $bytes (i32.sub (i32.shl (i32.const 1) (local.get $left)) (i32.const 1)))
            (local.set $ma (i32.and (local.get $ma) (local.get $bytes)))
            (local.set $mb (i32.and (local.get $mb) (local.get $bytes)))))
        (if (i32.and (i32.ne (local.get $mb) (i32.const 0)) (i32.lt_s (local.get $first) (i32.const 0)))
          (then (local.set $first (i32.add (local.get $p) (i32.ctz (local.get $mb))))))
        ;; one position a bit while fewer than `keep` are kept, then only the count
        (block $kept
          (loop $bit
            (br_if $kept (i32.or (i32.eqz (local.get $ma)) (i32.ge_u (local.get $n) (local.get $keep))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (i32.store (i32.shl (local.get $n) (i32.const 2)) (i32.add (local.get $p) (i32.ctz (local.get $ma))))
            (local.set $ma (i32.and (local.get $ma) (i32.sub (local.get $ma) (i32.const 1))))
            (br $bit)))
        (local.set $n (i32.add (local.get $n) (i32.popcnt (local.get $ma))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $block)))
    (i32.store (i32.const 0) (local.get $first))
    (local.get $n))
;; span(from, to, k): the bits of offsets [from, to) in the 16 bytes from offset k (bit i: offset k + i).
  (func $span (param $from i32) (param $to i32) (param $k i32) (result i32)
    (local $lo i32) (local $hi i32)
    (local.set $lo (i32.sub (local.get $from) (local.get $k)))
    (local.set $hi (i32.sub (local.get $to) (local.get $k)))
    (if (i32.lt_s (local.get $lo) (i32.const 0)) (then (local.set $lo (i32.const 0))))
    (if (i32.gt_s (local.get $lo) (i32.const 16)) (then (local.set $lo (i32.const 16))))
    (if (i32.lt_s (local.get $hi) (local.get $lo)) (then (local.set $hi (local.get $lo))))
    (if (i32.gt_s (local.get $hi) (i32.const 16)) (then (local.set $hi (i32.const 16))))
    (i32.xor (i32.sub (i32.shl (i32.const 1) (local.get $hi)) (i32.const 1)) (i32.sub (i32.shl (i32.const 1) (local.get $lo)) (i32.const 1))))

  ;; same(p, h, n, from, to, from2, to2): 1 when memory [p, p + n) holds the bytes of [h, h + n), except that at offsets
  ;; [from, to) and [from2, to2) a digit may stand where the other has a digit (a syslog header and the next line's:
  ;; the stamp's digits move on); else 0.
  (func $same (export "same") (param $p i32) (param $h i32) (param $n i32) (param $from i32) (param $to i32) (param $from2 i32) (param $to2 i32) (result i32)
    (local $k i32) (local $v v128) (local $w v128) (local $ne i32) (local $digits i32)
    (block $done
      (loop $block
        (br_if $done (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $v (v128.load (i32.add (local.get $p) (local.get $k))))
        (local.set $w (v128.load (i32.add (local.get $h) (local.get $k))))
        (local.set $ne (i32.xor (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $w))) (i32.const 0xffff)))
        ;; only the bytes before n
        (if (i32.lt_s (i32.sub (local.get $n) (local.get $k)) (i32.const 16))
          (then (local.set $ne (i32.and (local.get $ne)
            (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $n) (local.get $k))) (i32.const 1))))))
        (if (local.get $ne)
          (then
            ;; where both bytes are digits, in the ranges where two digits may differ
            (local.set $digits (i32.and
              (i8x16.bitmask (v128.and
                (v128.and (i8x16.ge_u (local.get $v) (i8x16.splat (i32.const 48))) (i8x16.le_u (local.get $v) (i8x16.splat (i32.const 57))))
                (v128.and (i8x16.ge_u (local.get $w) (i8x16.splat (i32.const 48))) (i8x16.le_u (local.get $w) (i8x16.splat (i32.const 57))))))
              (i32.or (call $span (local.get $from) (local.get $to) (local.get $k)) (call $span (local.get $from2) (local.get $to2) (local.get $k)))))
            (if (i32.and (local.get $ne) (i32.xor (local.get $digits) (i32.const -1)))
              (then (return (i32.const 0))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $block)))
    (i32.const 1))
  ;; rows(from, to, delim, column, columns, header, maxLine): the rows a delimited text (CSV) scan settles without
  ;; JavaScript, from line start `from` on, over the complete lines before `to`: a row is settled when it has no
  ;; quote, `columns` fields, a length other than `header` (which may be the header line again) and at most
  ;; `maxLine` bytes, does not start with byte 0xEF (a BOM), and its field `column`, spaces around it trimmed, is 1
  ;; to 5 decimal digits of a port at most 65535 that the table says no rule wants. It stops at the first line it
  ;; does not settle (or at `to`): returns that line's start, and puts the number of rows settled in slot 0, and in slot 1
  ;; whether it stopped at a port a rule wants (the last of its checks: the row passed all the others).
  (func (export "rows") (param $from i32) (param $to i32) (param $delim i32) (param $column i32) (param $columns i32) (param $header i32) (param $maxLine i32) (result i32)
    (local $p i32) (local $ls i32) (local $d i32) (local $ps i32) (local $pe i32) (local $lines i32)
    (local $vd v128) (local $vq v128) (local $vn v128) (local $v v128)
    (local $m i32) (local $left i32) (local $pos i32) (local $c i32) (local $le i32) (local $port i32)
    (local.set $vd (i8x16.splat (local.get $delim)))
    (local.set $vq (i8x16.splat (i32.const 34)))
    (local.set $vn (i8x16.splat (i32.const 10)))
    (local.set $ls (local.get $from))
    (i32.store (i32.const 4) (i32.const 0))
    (local.set $ps (local.get $from))
    (local.set $pe (i32.const -1))
    (local.set $p (local.get $from))
    (block $stop
      (loop $block
        (br_if $stop (i32.ge_u (local.get $p) (local.get $to)))
        (local.set $v (v128.load (local.get $p)))
        ;; bit k: byte p + k is a delimiter, a line feed or a quote
        (local.set $m (i8x16.bitmask (v128.or (v128.or
          (i8x16.eq (local.get $v) (local.get $vd)) (i8x16.eq (local.get $v) (local.get $vn)))
          (i8x16.eq (local.get $v) (local.get $vq)))))
        (local.set $left (i32.sub (local.get $to) (local.get $p)))
        (if (i32.lt_u (local.get $left) (i32.const 16))
          (then (local.set $m (i32.and (local.get $m) (i32.sub (i32.shl (i32.const 1) (local.get $left)) (i32.const 1))))))
        (block $blockDone
          (loop $bit
            (br_if $blockDone (i32.eqz (local.get $m)))
            (local.set $pos (i32.add (local.get $p) (i32.ctz (local.get $m))))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            (local.set $c (i32.load8_u (local.get $pos)))
            ;; a quote: the row is the text path's
            (br_if $stop (i32.eq (local.get $c) (i32.const 34)))
            (if (i32.eq (local.get $c) (local.get $delim))
              (then
                ;; delimiter d ends field d and starts field d + 1
                (if (i32.eq (i32.add (local.get $d) (i32.const 1)) (local.get $column))
                  (then (local.set $ps (i32.add (local.get $pos) (i32.const 1)))))
                (if (i32.eq (local.get $d) (local.get $column))
                  (then (local.set $pe (local.get $pos))))
                (local.set $d (i32.add (local.get $d) (i32.const 1)))
                (br $bit)))
            ;; a line feed: the line is [ls, le), a CR before the line feed left out
            (local.set $le (local.get $pos))
            (if (i32.and (i32.gt_u (local.get $le) (local.get $ls)) (i32.eq (i32.load8_u (i32.sub (local.get $le) (i32.const 1))) (i32.const 13)))
              (then (local.set $le (i32.sub (local.get $le) (i32.const 1)))))
            (br_if $stop (i32.ne (i32.add (local.get $d) (i32.const 1)) (local.get $columns)))
            (br_if $stop (i32.eq (i32.sub (local.get $le) (local.get $ls)) (local.get $header)))
            (br_if $stop (i32.gt_u (i32.sub (local.get $pos) (local.get $ls)) (local.get $maxLine)))
            (br_if $stop (i32.eq (i32.load8_u (local.get $ls)) (i32.const 0xef)))
            (if (i32.lt_s (local.get $pe) (i32.const 0)) (then (local.set $pe (local.get $le))))
            ;; the port field, spaces around it trimmed
            (block $trimmed
              (loop $trim
                (br_if $trimmed (i32.ge_u (local.get $ps) (local.get $pe)))
                (br_if $trimmed (i32.ne (i32.load8_u (local.get $ps)) (i32.const 32)))
                (local.set $ps (i32.add (local.get $ps) (i32.const 1)))
                (br $trim)))
            (block $trimmed
              (loop $trim
                (br_if $trimmed (i32.ge_u (local.get $ps) (local.get $pe)))
                (br_if $trimmed (i32.ne (i32.load8_u (i32.sub (local.get $pe) (i32.const 1))) (i32.const 32)))
                (local.set $pe (i32.sub (local.get $pe) (i32.const 1)))
                (br $trim)))
            (local.set $port (call $port (local.get $ps) (local.get $pe)))
            (br_if $stop (i32.lt_s (local.get $port) (i32.const 0)))
            (if (i32.load8_u (i32.add (local.get $port) (i32.const 1179648)))
              (then (i32.store (i32.const 4) (i32.const 1)) (br $stop)))
            ;; settled: the next line
            (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
            (local.set $ls (i32.add (local.get $pos) (i32.const 1)))
            (local.set $d (i32.const 0))
            (local.set $ps (local.get $ls))
            (local.set $pe (i32.const -1))
            (br $bit)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $block)))
    (i32.store (i32.const 0) (local.get $lines))
    (local.get $ls))
;; port(f, e): the port [f, e) writes, 1..5 decimal digits at most 65535; -1 for anything else (what prefilter.ts
  ;; decimalPort reads).
  (func $port (param $f i32) (param $e i32) (result i32)
    (local $port i32)
    (if (i32.eqz (call $digits (local.get $f) (local.get $e) (i32.const 5))) (then (return (i32.const -1))))
    (block $read
      (loop $digit
        (br_if $read (i32.ge_u (local.get $f) (local.get $e)))
        (local.set $port (i32.add (i32.mul (local.get $port) (i32.const 10)) (i32.sub (i32.load8_u (local.get $f)) (i32.const 48))))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $digit)))
    (select (local.get $port) (i32.const -1) (i32.le_u (local.get $port) (i32.const 65535))))

  ;; digits(f, e, max): 1 when [f, e) is 1..max decimal digits (max at most 16: the callers' 2, 5 and 12).
  (func $digits (param $f i32) (param $e i32) (param $max i32) (result i32)
    (if (i32.or (i32.ge_u (local.get $f) (local.get $e)) (i32.gt_u (i32.sub (local.get $e) (local.get $f)) (local.get $max)))
      (then (return (i32.const 0))))
    ;; one load: bit k set where byte f + k is not a digit (c - '0' above 9, unsigned), the first e - f of them
    (i32.eqz (i32.and
      (i8x16.bitmask (i8x16.gt_u (i8x16.sub (v128.load (local.get $f)) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 9))))
      (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $e) (local.get $f))) (i32.const 1)))))

  ;; field(code, f, e): 1 when field [f, e) (not empty) passes the check `code` names (fields' codes, below).
  (func $field (param $code i32) (param $f i32) (param $e i32) (result i32)
    (local $n i32) (local $port i32)
    (local.set $n (i32.sub (local.get $e) (local.get $f)))
    (block $c8 (block $c7 (block $c6 (block $c5 (block $c4 (block $c3 (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 $c3 $c4 $c5 $c6 $c7 $c8 $c0 (local.get $code)))
      ;; 0: anything
      (return (i32.const 1)))
      ;; 1: a version, 1..2 digits
      (return (call $digits (local.get $f) (local.get $e) (i32.const 2))))
      ;; 2: an epoch (1..12 digits) or -
      (return (i32.or
        (i32.and (i32.eq (local.get $n) (i32.const 1)) (i32.eq (i32.load8_u (local.get $f)) (i32.const 45)))
        (call $digits (local.get $f) (local.get $e) (i32.const 12)))))
      ;; 3: an action, ACCEPT, REJECT or -
      (if (i32.eq (local.get $n) (i32.const 1)) (then (return (i32.eq (i32.load8_u (local.get $f)) (i32.const 45)))))
      (if (i32.ne (local.get $n) (i32.const 6)) (then (return (i32.const 0))))
      (return (i32.or
        (i32.and (i32.eq (i32.load (local.get $f)) (i32.const 0x45434341)) (i32.eq (i32.load16_u offset=4 (local.get $f)) (i32.const 0x5450)))
        (i32.and (i32.eq (i32.load (local.get $f)) (i32.const 0x454a4552)) (i32.eq (i32.load16_u offset=4 (local.get $f)) (i32.const 0x5443))))))
      ;; 4: a log status, OK, NODATA, SKIPDATA or -
      (if (i32.eq (local.get $n) (i32.const 1)) (then (return (i32.eq (i32.load8_u (local.get $f)) (i32.const 45)))))
      (if (i32.eq (local.get $n) (i32.const 2)) (then (return (i32.eq (i32.load16_u (local.get $f)) (i32.const 0x4b4f)))))
      (if (i32.eq (local.get $n) (i32.const 6)) (then (return
        (i32.and (i32.eq (i32.load (local.get $f)) (i32.const 0x41444f4e)) (i32.eq (i32.load16_u offset=4 (local.get $f)) (i32.const 0x4154))))))
      (return (i32.and (i32.eq (local.get $n) (i32.const 8)) (i64.eq (i64.load (local.get $f)) (i64.const 0x4154414450494b53)))))
      ;; 5: the destination port: 1..5 digits, at most 65535, a port no rule wants
      (local.set $port (call $port (local.get $f) (local.get $e)))
      (if (i32.lt_s (local.get $port) (i32.const 0)) (then (return (i32.const 0))))
      (return (i32.eqz (i32.load8_u (i32.add (local.get $port) (i32.const 1179648))))))
      ;; 6: an address, not -
      (return (i32.eqz (i32.and (i32.eq (local.get $n) (i32.const 1)) (i32.eq (i32.load8_u (local.get $f)) (i32.const 45))))))
      ;; 7: starts with vpc-
      (return (i32.and (i32.ge_u (local.get $n) (i32.const 4)) (i32.eq (i32.load (local.get $f)) (i32.const 0x2d637076)))))
    ;; 8: does not start with vpc-
    (i32.eqz (i32.and (i32.ge_u (local.get $n) (i32.const 4)) (i32.eq (i32.load (local.get $f)) (i32.const 0x2d637076)))))

  ;; fields(from, to, count, maxLine): the records of space-separated fields (AWS VPC flow logs) a scan settles without
  ;; JavaScript, from line start `from` on, over the complete lines before `to`: a record is settled when it starts
  ;; with no lower-case letter (a header), has `count` fields (at most 64), none empty (one space between fields,
  ;; none around them), at most `maxLine` bytes, and each field k passes the check of code byte k of the table at
  ;; 1114128 + 1024 (0 none, 1 version, 2 epoch or -, 3 action, 4 log status, 5 a port no rule wants, 6 not -,
  ;; 7 starts with vpc-, 8 does not). It stops at the first line it does not settle (or at `to`): returns that
  ;; line's start, and puts the number of records settled in slot 0, and in slot 1 whether it stopped at a port a rule
  ;; wants (code 5 on a valid port: filteredOnBytes would not settle the record either).
  (func (export "fields") (param $from i32) (param $to i32) (param $count i32) (param $maxLine i32) (result i32)
    (local $p i32) (local $ls i32) (local $fs i32) (local $k i32) (local $lines i32)
    (local $vs v128) (local $vn v128) (local $v v128) (local $v2 v128)
    (local $m i32) (local $pos i32) (local $le i32) (local $c i32) (local $lf i32)
    (local.set $vs (i8x16.splat (i32.const 32)))
    (local.set $vn (i8x16.splat (i32.const 10)))
    (local.set $ls (local.get $from))
    (i32.store (i32.const 4) (i32.const 0))
    (local.set $fs (local.get $from))
    (local.set $p (local.get $from))
    (block $stop
      (loop $block
        (br_if $stop (i32.ge_u (local.get $p) (local.get $to)))
        ;; thirty-two bytes a step (two loads); the bytes past `to` are not masked out: what they say counts only for a
        ;; line whose line feed is past `to`, which is never settled
        (local.set $v (v128.load (local.get $p)))
        (local.set $v2 (v128.load offset=16 (local.get $p)))
        (local.set $m (i32.or (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (local.get $vs)) (i8x16.eq (local.get $v) (local.get $vn))))
          (i32.shl (i8x16.bitmask (v128.or (i8x16.eq (local.get $v2) (local.get $vs)) (i8x16.eq (local.get $v2) (local.get $vn)))) (i32.const 16))))
        (block $blockDone
          (loop $bit
            (br_if $blockDone (i32.eqz (local.get $m)))
            (local.set $pos (i32.add (local.get $p) (i32.ctz (local.get $m))))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            (local.set $le (local.get $pos))
            (local.set $lf (i32.eq (i32.load8_u (local.get $pos)) (i32.const 10)))
            (if (local.get $lf)
              (then
                ;; a line feed (within `to`): the line's last field ends before it, and before a CR in front of it (a
                ;; second CR, which the text path also drops, is left to it)
                (br_if $stop (i32.ge_u (local.get $pos) (local.get $to)))
                (if (i32.and (i32.gt_u (local.get $le) (local.get $fs)) (i32.eq (i32.load8_u (i32.sub (local.get $le) (i32.const 1))) (i32.const 13)))
                  (then (local.set $le (i32.sub (local.get $le) (i32.const 1)))))
                (br_if $stop (i32.and (i32.gt_u (local.get $le) (local.get $fs)) (i32.eq (i32.load8_u (i32.sub (local.get $le) (i32.const 1))) (i32.const 13))))))
            ;; field k is [fs, le): not empty, and passing its check
            (br_if $stop (i32.eq (local.get $le) (local.get $fs)))
            (br_if $stop (i32.ge_u (local.get $k) (i32.const 64)))
            ;; (a field with no check costs no call: half of a VPC record's)
            (local.set $c (i32.load8_u offset=1115152 (local.get $k)))
            (if (local.get $c)
              (then
                (if (i32.eqz (call $field (local.get $c) (local.get $fs) (local.get $le)))
                  (then
                    ;; a valid destination port that fails its check is one a rule wants: slot 1
                    (if (i32.eq (local.get $c) (i32.const 5))
                      (then (i32.store (i32.const 4) (i32.ge_s (call $port (local.get $fs) (local.get $le)) (i32.const 0)))))
                    (br $stop)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $fs (i32.add (local.get $pos) (i32.const 1)))
            (if (local.get $lf)
              (then
                (br_if $stop (i32.ne (local.get $k) (local.get $count)))
                (br_if $stop (i32.gt_u (i32.sub (local.get $pos) (local.get $ls)) (local.get $maxLine)))
                (local.set $c (i32.load8_u (local.get $ls)))
                (br_if $stop (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122))))
                ;; settled: the next line
                (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
                (local.set $ls (local.get $fs))
                (local.set $k (i32.const 0))))
            (br $bit)))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $block)))
    (i32.store (i32.const 0) (local.get $lines))
    (local.get $ls))
  ;; netfilter(from, to, prefix, stampFrom, stampTo, from2, to2, messageAt, maxLine): the netfilter (iptables LOG) lines
  ;; a syslog scan settles without JavaScript, from line start `from` on, over the complete lines before `to`. A line
  ;; is settled when its first `prefix` bytes are those kept at 1114640 (the syslog header and `TAG: ` of a line
  ;; settled before, or the header and the message's first word), digits at offsets [stampFrom, stampTo) and
  ;; [from2, to2) aside, and its message (the bytes from offset `messageAt`, a CR before the line feed left out) holds no quote and no byte below 0x20, has the word IN=… right before the first word
  ;; OUT=…, then, among the words after that one (a word starting within 6 bytes of the end is not read), SRC=…,
  ;; DST=…, PROTO=… and a first DPT=… of 1..5 digits up to a space or the end, at most 65535, a port no rule wants,
  ;; before any word that starts with [ — what iptables.ts filteredOnBytes decides; at most 16383 spaces, and at
  ;; most `maxLine` bytes. It stops at the first line it does not settle (or at `to`): returns that line's start,
  ;; and puts the number of lines settled in slot 0, and in slot 1 whether it stopped at a wanted port (the line was
  ;; framed as the prefix says and read as it settles lines up to its port: filteredOnBytes would not settle it).
  (func (export "netfilter") (param $from i32) (param $to i32) (param $prefix i32) (param $stampFrom i32) (param $stampTo i32)
      (param $from2 i32) (param $to2 i32) (param $messageAt i32) (param $maxLine i32) (result i32)
    (local $ls i32) (local $ms i32) (local $lines i32) (local $p i32) (local $m i32) (local $pos i32) (local $c i32)
    (local $phase i32) (local $inWord i32) (local $src i32) (local $dst i32) (local $proto i32) (local $port i32) (local $spaces i32)
    (local $w i32) (local $k i32) (local $n i32) (local $x i64) (local $sp i32)
    (local $vs v128) (local $vq v128) (local $vctl v128) (local $v v128) (local $v2 v128)
    (local.set $vs (i8x16.splat (i32.const 32)))
    (local.set $vq (i8x16.splat (i32.const 34)))
    (local.set $vctl (i8x16.splat (i32.const 32)))
    (local.set $ls (local.get $from))
    (i32.store (i32.const 4) (i32.const 0))
    (block $stop
      (loop $line
        (br_if $stop (i32.ge_u (local.get $ls) (local.get $to)))
        ;; the header and tag, as the line's kept before (a line shorter than them differs at its line feed)
        (br_if $stop (i32.eqz (call $same (local.get $ls) (i32.const 1114640) (local.get $prefix) (local.get $stampFrom) (local.get $stampTo) (local.get $from2) (local.get $to2))))
        (local.set $ms (i32.add (local.get $ls) (local.get $messageAt)))
        (local.set $phase (i32.const 0))
        (local.set $inWord (i32.and (i32.and
          (i32.eq (i32.load8_u (local.get $ms)) (i32.const 73)) (i32.eq (i32.load8_u offset=1 (local.get $ms)) (i32.const 78)))
          (i32.eq (i32.load8_u offset=2 (local.get $ms)) (i32.const 61))))
        (local.set $src (i32.const 0))
        (local.set $dst (i32.const 0))
        (local.set $proto (i32.const 0))
        (local.set $port (i32.const -1))
        (local.set $spaces (i32.const 0))
        (local.set $p (local.get $ms))
        (loop $block
          (br_if $stop (i32.ge_u (local.get $p) (local.get $to)))
          ;; thirty-two bytes a step (two loads: a line's message is ~200 bytes, and each step has its fixed cost)
          (local.set $v (v128.load (local.get $p)))
          (local.set $v2 (v128.load offset=16 (local.get $p)))
          ;; bit k: byte p + k is a space ($sp); a quote or below 0x20 ($m)
          (local.set $sp (i32.or (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vs)))
            (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vs))) (i32.const 16))))
          (local.set $m (i32.or (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (local.get $vq)) (i8x16.lt_u (local.get $v) (local.get $vctl))))
            (i32.shl (i8x16.bitmask (v128.or (i8x16.eq (local.get $v2) (local.get $vq)) (i8x16.lt_u (local.get $v2) (local.get $vctl)))) (i32.const 16))))
          ;; (the bytes past `to` are not masked out: what they say counts only for a line whose line feed is past `to`,
          ;; which is never settled)
          ;; the spaces counted a block at a time (those of the next line in the block too: only ever more); once
          ;; decided, the words are not read
          (local.set $spaces (i32.add (local.get $spaces) (i32.popcnt (local.get $sp))))
          (br_if $stop (i32.gt_u (local.get $spaces) (i32.const 16383)))
          (if (i32.ne (local.get $phase) (i32.const 2)) (then (local.set $m (i32.or (local.get $m) (local.get $sp)))))
          (block $blockDone
            (loop $bit
              (br_if $blockDone (i32.eqz (local.get $m)))
              (local.set $pos (i32.add (local.get $p) (i32.ctz (local.get $m))))
              (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
              (local.set $c (i32.load8_u (local.get $pos)))
              (if (i32.eq (local.get $c) (i32.const 32))
                (then
                  (br_if $bit (i32.eq (local.get $phase) (i32.const 2)))
                  (local.set $w (i32.add (local.get $pos) (i32.const 1)))
                  ;; the word's first four bytes, little-endian (OUT= is 0x3d54554f)
                  (local.set $k (i32.load (local.get $w)))
                  (if (i32.eqz (local.get $phase))
                    (then
                      ;; before OUT=: is the word OUT=, else does it start with IN=
                      (if (i32.eq (local.get $k) (i32.const 0x3d54554f))
                        (then
                          (br_if $stop (i32.eqz (local.get $inWord)))
                          (local.set $phase (i32.const 1)))
                        (else (local.set $inWord (i32.eq (i32.and (local.get $k) (i32.const 0xffffff)) (i32.const 0x3d4e49)))))
                      (br $bit)))
                  ;; after OUT=: only words starting with S, D, P or [ are read (the table at 1179392 marks those bytes)
                  (local.set $c (i32.and (local.get $k) (i32.const 0xff)))
                  (br_if $bit (i32.eqz (i32.load8_u offset=1179392 (local.get $c))))
                  ;; a word within 6 bytes of the end is not read (filteredOnBytes' `i + 6 >= end`): any of its first six
                  ;; bytes below 0x20 (bit 7 of each byte of (x - 0x20…) & ~x, the lowest six)
                  (local.set $x (i64.load (local.get $w)))
                  (br_if $bit (i64.ne (i64.and (i64.and (i64.sub (local.get $x) (i64.const 0x2020202020202020)) (i64.xor (local.get $x) (i64.const -1)))
                    (i64.const 0x808080808080)) (i64.const 0)))
                  ;; [: an ICMP error's quoted packet: the text path's
                  (br_if $stop (i32.eq (local.get $c) (i32.const 91)))
                  (if (i32.eq (local.get $k) (i32.const 0x3d435253)) (then (local.set $src (i32.const 1))))
                  (if (i32.eq (local.get $k) (i32.const 0x3d545344)) (then (local.set $dst (i32.const 1))))
                  (if (i32.and (i32.eq (local.get $k) (i32.const 0x544f5250)) (i32.eq (i32.load16_u offset=4 (local.get $w)) (i32.const 0x3d4f)))
                    (then (local.set $proto (i32.const 1))))
                  (if (i32.and (i32.eq (local.get $k) (i32.const 0x3d545044)) (i32.lt_s (local.get $port) (i32.const 0)))
                    (then
                      ;; the first DPT=: its digits, up to a space or the line's end (a line feed, or a CR before one)
                      (local.set $port (i32.const 0))
                      (local.set $n (i32.const 0))
                      (local.set $k (i32.add (local.get $w) (i32.const 4)))
                      (block $read
                        (loop $digit
                          (local.set $c (i32.load8_u (local.get $k)))
                          (br_if $read (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 10))))
                          (br_if $read (i32.and (i32.eq (local.get $c) (i32.const 13)) (i32.eq (i32.load8_u offset=1 (local.get $k)) (i32.const 10))))
                          (br_if $stop (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)))
                          (br_if $stop (i32.eq (local.get $n) (i32.const 5)))
                          (local.set $port (i32.add (i32.mul (local.get $port) (i32.const 10)) (i32.sub (local.get $c) (i32.const 48))))
                          (local.set $n (i32.add (local.get $n) (i32.const 1)))
                          (local.set $k (i32.add (local.get $k) (i32.const 1)))
                          (br $digit)))
                      (br_if $stop (i32.eqz (local.get $n)))
                      (br_if $stop (i32.gt_u (local.get $port) (i32.const 65535)))))
                  (if (i32.and (i32.and (i32.ge_s (local.get $port) (i32.const 0)) (local.get $src)) (i32.and (local.get $dst) (local.get $proto)))
                    (then
                      ;; decided: FILTERED when no rule wants the port (else the line is the text path's)
                      (if (i32.load8_u (i32.add (local.get $port) (i32.const 1179648)))
                        (then (i32.store (i32.const 4) (i32.const 1)) (br $stop)))
                      (local.set $phase (i32.const 2))))
                  (br $bit)))
              ;; a CR right before the line feed is the line's end; any other byte below 0x20, or a quote: text path
              (br_if $bit (i32.and (i32.eq (local.get $c) (i32.const 13)) (i32.eq (i32.load8_u offset=1 (local.get $pos)) (i32.const 10))))
              (br_if $stop (i32.ne (local.get $c) (i32.const 10)))
              ;; the line feed: settled when decided, within `to`, and not too long
              (br_if $stop (i32.ne (local.get $phase) (i32.const 2)))
              (br_if $stop (i32.ge_u (local.get $pos) (local.get $to)))
              (br_if $stop (i32.gt_u (i32.sub (local.get $pos) (local.get $ls)) (local.get $maxLine)))
              (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
              (local.set $ls (i32.add (local.get $pos) (i32.const 1)))
              (br $line)))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br $block))))
    (i32.store (i32.const 0) (local.get $lines))
    (local.get $ls))
;; panos(from, to, prefix, stampFrom, stampTo, from2, to2, messageAt, maxLine, typeLen, typeField, portField, last): the
  ;; PAN-OS CSV lines a syslog scan settles without JavaScript, from line start `from` on, over the complete lines
  ;; before `to`. A line is settled when its first `prefix` bytes are those kept at 1114640 (digits at offsets
  ;; [stampFrom, stampTo) and [from2, to2) aside) and its message (the bytes from offset `messageAt`) has at least `last` commas with no quote and no brace before the
  ;; `last`-th, a second field of 19 bytes `YYYY/MM/DD hh:mm:ss`, field `typeField` (0-based) equal to the `typeLen`
  ;; bytes kept at 1115280, and field `portField` 1..5 digits of a port at most 65535 no rule wants — what panos.ts
  ;; filteredOnBytes decides for a type whose layout needs `last` commas — in at most `maxLine` bytes. It stops at the
  ;; first line it does not settle (or at `to`): returns that line's start, and puts the number settled in slot 0 (slot 1
  ;; as netfilter's).
  (func (export "panos") (param $from i32) (param $to i32) (param $prefix i32) (param $stampFrom i32) (param $stampTo i32)
      (param $from2 i32) (param $to2 i32) (param $messageAt i32) (param $maxLine i32) (param $typeLen i32) (param $typeField i32) (param $portField i32) (param $last i32) (result i32)
    (local $ls i32) (local $ms i32) (local $lines i32) (local $p i32) (local $m i32) (local $pos i32) (local $c i32)
    (local $commas i32) (local $first i32) (local $second i32) (local $ts i32) (local $te i32) (local $ps i32) (local $pe i32) (local $k i32) (local $port i32)
    (local $vc v128) (local $vq v128) (local $vb v128) (local $vn v128) (local $v v128) (local $v2 v128)
    (local.set $vc (i8x16.splat (i32.const 44)))
    (local.set $vq (i8x16.splat (i32.const 34)))
    (local.set $vb (i8x16.splat (i32.const 123)))
    (local.set $vn (i8x16.splat (i32.const 10)))
    (local.set $ls (local.get $from))
    (i32.store (i32.const 4) (i32.const 0))
    (block $stop
      (loop $line
        (br_if $stop (i32.ge_u (local.get $ls) (local.get $to)))
        (br_if $stop (i32.eqz (call $same (local.get $ls) (i32.const 1114640) (local.get $prefix) (local.get $stampFrom) (local.get $stampTo) (local.get $from2) (local.get $to2))))
        (local.set $ms (i32.add (local.get $ls) (local.get $messageAt)))
        (local.set $commas (i32.const 0))
        (local.set $ts (local.get $ms))
        (local.set $ps (local.get $ms))
        (local.set $p (local.get $ms))
        (loop $block
          (br_if $stop (i32.ge_u (local.get $p) (local.get $to)))
          ;; thirty-two bytes a step (two loads); the bytes past `to` are not masked out: what they say counts only for
          ;; a line whose line feed is past `to`, which is never settled
          (local.set $v (v128.load (local.get $p)))
          (local.set $v2 (v128.load offset=16 (local.get $p)))
          ;; bit k: byte p + k is a line feed; until the `last`-th comma also a comma, a quote or a brace
          (local.set $m (i32.or (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vn)))
            (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vn))) (i32.const 16))))
          (if (i32.lt_u (local.get $commas) (local.get $last))
            (then (local.set $m (i32.or (local.get $m) (i32.or
              (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (local.get $vc)) (v128.or (i8x16.eq (local.get $v) (local.get $vq)) (i8x16.eq (local.get $v) (local.get $vb)))))
              (i32.shl (i8x16.bitmask (v128.or (i8x16.eq (local.get $v2) (local.get $vc)) (v128.or (i8x16.eq (local.get $v2) (local.get $vq)) (i8x16.eq (local.get $v2) (local.get $vb)))))
                (i32.const 16)))))))
          (block $blockDone
            (loop $bit
              (br_if $blockDone (i32.eqz (local.get $m)))
              (local.set $pos (i32.add (local.get $p) (i32.ctz (local.get $m))))
              (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
              (local.set $c (i32.load8_u (local.get $pos)))
              (if (i32.eq (local.get $c) (i32.const 44))
                (then
                  ;; (bits of commas after the `last`-th in this block: past the decision, not read)
                  (br_if $bit (i32.ge_u (local.get $commas) (local.get $last)))
                  ;; comma k ends field k
                  (if (i32.eqz (local.get $commas)) (then (local.set $first (local.get $pos))))
                  (if (i32.eq (local.get $commas) (i32.const 1)) (then (local.set $second (local.get $pos))))
                  (if (i32.eq (i32.add (local.get $commas) (i32.const 1)) (local.get $typeField)) (then (local.set $ts (i32.add (local.get $pos) (i32.const 1)))))
                  (if (i32.eq (local.get $commas) (local.get $typeField)) (then (local.set $te (local.get $pos))))
                  (if (i32.eq (i32.add (local.get $commas) (i32.const 1)) (local.get $portField)) (then (local.set $ps (i32.add (local.get $pos) (i32.const 1)))))
                  (if (i32.eq (local.get $commas) (local.get $portField)) (then (local.set $pe (local.get $pos))))
                  (local.set $commas (i32.add (local.get $commas) (i32.const 1)))
                  (br $bit)))
              ;; a quote or a brace before the `last`-th comma: the text path's
              (br_if $stop (i32.ne (local.get $c) (i32.const 10)))
              (br_if $stop (i32.lt_u (local.get $commas) (local.get $last)))
              ;; the line feed (within `to`): the date, the type and the port
              (br_if $stop (i32.ge_u (local.get $pos) (local.get $to)))
              (br_if $stop (i32.gt_u (i32.sub (local.get $pos) (local.get $ls)) (local.get $maxLine)))
              (br_if $stop (i32.ne (local.get $second) (i32.add (local.get $first) (i32.const 20))))
              (local.set $k (i32.const 0))
              (block $dated
                (loop $date
                  (br_if $dated (i32.eq (local.get $k) (i32.const 19)))
                  (local.set $c (i32.load8_u offset=1 (i32.add (local.get $first) (local.get $k))))
                  (if (i32.or (i32.eq (local.get $k) (i32.const 4)) (i32.eq (local.get $k) (i32.const 7)))
                    (then (br_if $stop (i32.ne (local.get $c) (i32.const 47))))
                    (else
                      (if (i32.eq (local.get $k) (i32.const 10))
                        (then (br_if $stop (i32.ne (local.get $c) (i32.const 32))))
                        (else
                          (if (i32.or (i32.eq (local.get $k) (i32.const 13)) (i32.eq (local.get $k) (i32.const 16)))
                            (then (br_if $stop (i32.ne (local.get $c) (i32.const 58))))
                            (else (br_if $stop (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)))))))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $date)))
              (br_if $stop (i32.ne (i32.sub (local.get $te) (local.get $ts)) (local.get $typeLen)))
              (local.set $k (i32.const 0))
              (block $typed
                (loop $type
                  (br_if $typed (i32.eq (local.get $k) (local.get $typeLen)))
                  (br_if $stop (i32.ne (i32.load8_u (i32.add (local.get $ts) (local.get $k))) (i32.load8_u offset=1115280 (local.get $k))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $type)))
              (local.set $port (call $port (local.get $ps) (local.get $pe)))
              (br_if $stop (i32.lt_s (local.get $port) (i32.const 0)))
              (if (i32.load8_u (i32.add (local.get $port) (i32.const 1179648)))
                (then (i32.store (i32.const 4) (i32.const 1)) (br $stop)))
              (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
              (local.set $ls (i32.add (local.get $pos) (i32.const 1)))
              (br $line)))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br $block))))
    (i32.store (i32.const 0) (local.get $lines))
    (local.get $ls))
;; keyEnd(w): the `=` ending the CEF extension key that starts at w (a key character [0-9A-Za-z_] first, then
  ;; those and . , [ ]), or -1.
  (func $keyEnd (param $w i32) (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u (local.get $w)))
    (if (i32.eqz (i32.or (i32.or (i32.le_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)) (i32.eq (local.get $c) (i32.const 95)))
          (i32.le_u (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)) (i32.const 25))))
      (then (return (i32.const -1))))
    (loop $key
      (local.set $w (i32.add (local.get $w) (i32.const 1)))
      (local.set $c (i32.load8_u (local.get $w)))
      (br_if $key (i32.or (i32.or (i32.or (i32.le_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)) (i32.eq (local.get $c) (i32.const 95)))
          (i32.le_u (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)) (i32.const 25)))
        (i32.or (i32.or (i32.eq (local.get $c) (i32.const 46)) (i32.eq (local.get $c) (i32.const 44)))
          (i32.or (i32.eq (local.get $c) (i32.const 91)) (i32.eq (local.get $c) (i32.const 93)))))))
    (select (local.get $w) (i32.const -1) (i32.eq (local.get $c) (i32.const 61))))

  ;; blank(c): a space, tab, CR or line feed.
  (func $blank (param $c i32) (result i32)
    (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
      (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13)))))

  ;; cef(from, to, prefix, stampFrom, stampTo, from2, to2, messageAt, maxLine): the CEF lines a syslog scan settles
  ;; without JavaScript, from line start `from` on, over the complete lines before `to`. A line is settled when its
  ;; first `prefix` bytes are those kept at 1114640 (digits at offsets [stampFrom, stampTo) and [from2, to2) aside) and
  ;; its message (from offset `messageAt`, a CR before the line feed left out) is what cef.ts filteredOnBytes settles:
  ;; `CEF:`, a version, seven header pipes (the seventh within 512 bytes), then an extension whose first dpt (its
  ;; value up to the next key, trimmed) is a port no rule wants and whose first src and first dst have values, with
  ;; no backslash before the key that ends the last of them; at most 16383 spaces and `maxLine` bytes. It stops at the
  ;; first line it does not settle (or at `to`): returns that line's start, and puts the number settled in slot 0 (slot 1
  ;; as netfilter's).
  (func (export "cef") (param $from i32) (param $to i32) (param $prefix i32) (param $stampFrom i32) (param $stampTo i32)
      (param $from2 i32) (param $to2 i32) (param $messageAt i32) (param $maxLine i32) (result i32)
    (local $ls i32) (local $ms i32) (local $lines i32) (local $p i32) (local $m i32) (local $pos i32) (local $c i32) (local $i i32) (local $n i32)
    (local $phase i32) (local $pipes i32) (local $spaces i32) (local $w i32) (local $k i32) (local $le i32) (local $atEnd i32) (local $keyEnd i32)
    (local $pending i32) (local $valueStart i32) (local $vs i32) (local $ve i32) (local $port i32) (local $srcValue i32) (local $dstValue i32) (local $srcSeen i32) (local $dstSeen i32)
    (local $msp i32) (local $mb i32) (local $mn i32) (local $mp i32)
    (local $v v128) (local $v2 v128) (local $vpipe v128) (local $vspace v128) (local $vback v128) (local $vlf v128)
    (local.set $vpipe (i8x16.splat (i32.const 124)))
    (local.set $vspace (i8x16.splat (i32.const 32)))
    (local.set $vback (i8x16.splat (i32.const 92)))
    (local.set $vlf (i8x16.splat (i32.const 10)))
    (local.set $ls (local.get $from))
    (i32.store (i32.const 4) (i32.const 0))
    (block $stop
      (loop $line
        (br_if $stop (i32.ge_u (local.get $ls) (local.get $to)))
        (br_if $stop (i32.eqz (call $same (local.get $ls) (i32.const 1114640) (local.get $prefix) (local.get $stampFrom) (local.get $stampTo) (local.get $from2) (local.get $to2))))
        (local.set $ms (i32.add (local.get $ls) (local.get $messageAt)))
        ;; CEF:, a space perhaps, 1..3 digits, perhaps . and 1..3 digits, then the first pipe
        (br_if $stop (i32.ne (i32.load (local.get $ms)) (i32.const 0x3a464543)))
        (local.set $i (i32.add (local.get $ms) (i32.const 4)))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 32)) (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (local.set $n (local.get $i))
        (block $v1 (loop $d1
          (br_if $v1 (i32.gt_u (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)) (i32.const 9)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $d1)))
        (br_if $stop (i32.or (i32.eq (local.get $i) (local.get $n)) (i32.gt_u (i32.sub (local.get $i) (local.get $n)) (i32.const 3))))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 46))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $n (local.get $i))
            (block $v2 (loop $d2
              (br_if $v2 (i32.gt_u (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)) (i32.const 9)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $d2)))
            (br_if $stop (i32.or (i32.eq (local.get $i) (local.get $n)) (i32.gt_u (i32.sub (local.get $i) (local.get $n)) (i32.const 3))))))
        (br_if $stop (i32.ne (i32.load8_u (local.get $i)) (i32.const 124)))
        (local.set $phase (i32.const 0))
        (local.set $pipes (i32.const 1))
        (local.set $spaces (i32.const 0))
        (local.set $pending (i32.const 0))
        (local.set $port (i32.const -1))
        (local.set $srcValue (i32.const 0))
        (local.set $dstValue (i32.const 0))
        (local.set $srcSeen (i32.const 0))
        (local.set $dstSeen (i32.const 0))
        ;; blocks from the byte after the first pipe; phase 0: the header's pipes, 1: the extension's words, 2: decided
        (local.set $p (i32.add (local.get $i) (i32.const 1)))
        (loop $block
          (br_if $stop (i32.ge_u (local.get $p) (local.get $to)))
          ;; thirty-two bytes a step (two loads); the bytes past `to` are not masked out: what they say counts only for
          ;; a line whose line feed is past `to`, which is never settled
          (local.set $v (v128.load (local.get $p)))
          (local.set $v2 (v128.load offset=16 (local.get $p)))
          (local.set $mp (i32.or (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vpipe)))
            (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vpipe))) (i32.const 16))))
          (local.set $msp (i32.or (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vspace)))
            (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vspace))) (i32.const 16))))
          (local.set $mb (i32.or (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vback)))
            (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vback))) (i32.const 16))))
          (local.set $mn (i32.or (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vlf)))
            (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vlf))) (i32.const 16))))
          (if (i32.eqz (local.get $phase))
            (then (local.set $m (i32.or (i32.or (local.get $mp) (local.get $mb)) (local.get $mn))))
            (else
              (if (i32.eq (local.get $phase) (i32.const 1))
                (then
                  (local.set $m (i32.or (i32.or (local.get $msp) (local.get $mb)) (local.get $mn)))
                  (local.set $spaces (i32.add (local.get $spaces) (i32.popcnt (local.get $msp)))))
                (else (local.set $m (local.get $mn))))))
          (br_if $stop (i32.gt_u (local.get $spaces) (i32.const 16383)))
          (block $blockDone
            (loop $bit
              (br_if $blockDone (i32.eqz (local.get $m)))
              (local.set $k (i32.ctz (local.get $m)))
              (local.set $pos (i32.add (local.get $p) (local.get $k)))
              (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
              (local.set $c (i32.load8_u (local.get $pos)))
              ;; a backslash before the decision: the text path's
              (br_if $stop (i32.eq (local.get $c) (i32.const 92)))
              (local.set $atEnd (i32.const 0))
              (local.set $w (i32.add (local.get $pos) (i32.const 1)))
              (block $word
                (br_if $word (i32.eq (local.get $c) (i32.const 32)))
                (if (i32.eq (local.get $c) (i32.const 124))
                  (then
                    (local.set $pipes (i32.add (local.get $pipes) (i32.const 1)))
                    (br_if $bit (i32.lt_u (local.get $pipes) (i32.const 7)))
                    ;; the seventh pipe, within 512 bytes; then this block's spaces after it instead of its pipes
                    (br_if $stop (i32.ge_u (i32.sub (local.get $pos) (local.get $ms)) (i32.const 512)))
                    (local.set $phase (i32.const 1))
                    (local.set $n (i32.xor (i32.sub (i32.shl (i32.const 2) (local.get $k)) (i32.const 1)) (i32.const -1)))
                    (local.set $m (i32.and (i32.or (i32.or (local.get $msp) (local.get $mb)) (local.get $mn)) (local.get $n)))
                    (local.set $spaces (i32.add (local.get $spaces) (i32.popcnt (i32.and (local.get $msp) (local.get $n)))))
                    (br $word)))
                ;; a line feed: the line's end (a CR before it left out); past `to`, the text path's
                (br_if $stop (i32.ge_u (local.get $pos) (local.get $to)))
                (local.set $le (local.get $pos))
                (if (i32.and (i32.gt_u (local.get $le) (local.get $ms)) (i32.eq (i32.load8_u (i32.sub (local.get $le) (i32.const 1))) (i32.const 13)))
                  (then (local.set $le (i32.sub (local.get $le) (i32.const 1)))))
                (br_if $stop (i32.gt_u (i32.sub (local.get $pos) (local.get $ls)) (local.get $maxLine)))
                (if (i32.eq (local.get $phase) (i32.const 2))
                  (then
                    (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
                    (local.set $ls (i32.add (local.get $pos) (i32.const 1)))
                    (br $line)))
                (br_if $stop (i32.eqz (local.get $phase)))
                (local.set $w (local.get $le))
                (local.set $atEnd (i32.const 1)))
              ;; the word at w (at the end: none): does a key there end the pending value? then is it dpt, src or dst?
              (if (local.get $pending)
                (then
                  (local.set $keyEnd (select (local.get $le) (call $keyEnd (local.get $w)) (local.get $atEnd)))
                  (if (i32.ge_s (local.get $keyEnd) (i32.const 0))
                    (then
                      (local.set $vs (local.get $valueStart))
                      (local.set $ve (select (local.get $le) (i32.sub (local.get $w) (i32.const 1)) (local.get $atEnd)))
                      (block $t1 (loop $trim1
                        (br_if $t1 (i32.ge_u (local.get $vs) (local.get $ve)))
                        (br_if $t1 (i32.eqz (call $blank (i32.load8_u (local.get $vs)))))
                        (local.set $vs (i32.add (local.get $vs) (i32.const 1)))
                        (br $trim1)))
                      (block $t2 (loop $trim2
                        (br_if $t2 (i32.ge_u (local.get $vs) (local.get $ve)))
                        (br_if $t2 (i32.eqz (call $blank (i32.load8_u (i32.sub (local.get $ve) (i32.const 1))))))
                        (local.set $ve (i32.sub (local.get $ve) (i32.const 1)))
                        (br $trim2)))
                      (if (i32.eq (local.get $pending) (i32.const 1))
                        (then
                          ;; dpt: a valid port, or the text path decides
                          (local.set $port (call $port (local.get $vs) (local.get $ve)))
                          (br_if $stop (i32.lt_s (local.get $port) (i32.const 0))))
                        (else
                          (if (i32.eq (local.get $pending) (i32.const 2))
                            (then (local.set $srcValue (i32.gt_u (local.get $ve) (local.get $vs))))
                            (else (local.set $dstValue (i32.gt_u (local.get $ve) (local.get $vs)))))))
                      (local.set $pending (i32.const 0))
                      (if (i32.and (i32.ge_s (local.get $port) (i32.const 0)) (i32.and (local.get $srcValue) (local.get $dstValue)))
                        (then
                          ;; decided: FILTERED when no rule wants the port (else the line is the text path's)
                          (if (i32.load8_u (i32.add (local.get $port) (i32.const 1179648)))
                            (then (i32.store (i32.const 4) (i32.const 1)) (br $stop)))
                          (if (local.get $atEnd)
                            (then
                              (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
                              (local.set $ls (i32.add (local.get $pos) (i32.const 1)))
                              (br $line)))
                          ;; the rest of the line: its line feed only
                          (local.set $phase (i32.const 2))
                          (local.set $m (i32.and (local.get $m) (local.get $mn)))
                          (br $bit)))))))
              ;; the end, undecided: the text path's
              (br_if $stop (local.get $atEnd))
              (if (i32.eqz (local.get $pending))
                (then
                  ;; dpt=, src= or dst= in any case: the word's fourth byte `=`, then its three letters folded
                  (local.set $k (i32.load (local.get $w)))
                  (if (i32.eq (i32.shr_u (local.get $k) (i32.const 24)) (i32.const 61))
                    (then
                      (local.set $k (i32.and (i32.or (local.get $k) (i32.const 0x202020)) (i32.const 0xffffff)))
                      (if (i32.and (i32.lt_s (local.get $port) (i32.const 0)) (i32.eq (local.get $k) (i32.const 0x747064)))
                        (then (local.set $pending (i32.const 1)))
                        (else
                          (if (i32.eq (local.get $k) (i32.const 0x637273))
                            (then
                              (if (i32.eqz (local.get $srcSeen)) (then (local.set $pending (i32.const 2))))
                              (local.set $srcSeen (i32.const 1)))
                            (else
                              (if (i32.eq (local.get $k) (i32.const 0x747364))
                                (then
                                  (if (i32.eqz (local.get $dstSeen)) (then (local.set $pending (i32.const 3))))
                                  (local.set $dstSeen (i32.const 1))))))))))
                  (local.set $valueStart (i32.add (local.get $w) (i32.const 4)))))
              (br $bit)))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br $block))))
    (i32.store (i32.const 0) (local.get $lines))
    (local.get $ls))

  ;; json(from, to, segments, portHole, maxLine): the JSON Lines records a scan settles without JavaScript, from line
  ;; start `from` on, over the complete lines before `to`: a record is settled when it is the frame kept at 1115408
  ;; (its `segments` segments, segment j being bytes [from(j), from(j + 1)) there, the offsets i32s at 1119520) with
  ;; one JSON scalar in each hole — a string without backslash or control byte, a number by the JSON grammar, true,
  ;; false, null — and in hole `portHole` 1..5 digits with no fraction or exponent, a port at most 65535 no rule
  ;; wants, right up to its line feed (a CR before it allowed), in at most `maxLine` bytes — what json-bytes.ts
  ;; `framed` and jsonl.ts decide for such a record. It stops at the first line it does not settle (or at `to`):
  ;; returns that line's start, and puts the number settled in slot 0, and in slot 1 whether it stopped at a port a
  ;; rule wants (the record matched the frame up to that hole).
  (func (export "json") (param $from i32) (param $to i32) (param $segments i32) (param $portHole i32) (param $maxLine i32) (result i32)
    (local $ls i32) (local $p i32) (local $j i32) (local $at i32) (local $len i32) (local $k i32) (local $ne i32)
    (local $c i32) (local $e i32) (local $lines i32) (local $m i32) (local $port i32) (local $digits i32)
    (local $vq v128) (local $vb v128) (local $vctl v128) (local $v v128)
    (local.set $vq (i8x16.splat (i32.const 34)))
    (local.set $vb (i8x16.splat (i32.const 92)))
    (local.set $vctl (i8x16.splat (i32.const 32)))
    (local.set $ls (local.get $from))
    (i32.store (i32.const 4) (i32.const 0))
    (block $stop
      (loop $line
        (local.set $p (local.get $ls))
        (local.set $j (i32.const 0))
        (loop $segment
          ;; segment j, sixteen bytes a step (it holds no line feed: a match stays in the line)
          (local.set $at (i32.add (i32.const 1115408) (i32.load (i32.add (i32.const 1119520) (i32.shl (local.get $j) (i32.const 2))))))
          (local.set $len (i32.sub
            (i32.load (i32.add (i32.const 1119524) (i32.shl (local.get $j) (i32.const 2))))
            (i32.load (i32.add (i32.const 1119520) (i32.shl (local.get $j) (i32.const 2))))))
          (br_if $stop (i32.gt_u (i32.add (local.get $p) (local.get $len)) (local.get $to)))
          (local.set $k (i32.const 0))
          (block $compared
            (loop $compare
              (br_if $compared (i32.ge_s (local.get $k) (local.get $len)))
              (local.set $ne (i32.xor (i8x16.bitmask (i8x16.eq
                (v128.load (i32.add (local.get $p) (local.get $k))) (v128.load (i32.add (local.get $at) (local.get $k))))) (i32.const 0xffff)))
              (if (i32.lt_s (i32.sub (local.get $len) (local.get $k)) (i32.const 16))
                (then (local.set $ne (i32.and (local.get $ne)
                  (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $len) (local.get $k))) (i32.const 1))))))
              (br_if $stop (local.get $ne))
              (local.set $k (i32.add (local.get $k) (i32.const 16)))
              (br $compare)))
          (local.set $p (i32.add (local.get $p) (local.get $len)))
          ;; after the last segment, the line's end
          (if (i32.lt_s (local.get $j) (i32.sub (local.get $segments) (i32.const 1)))
            (then
              ;; hole j: one scalar
              (br_if $stop (i32.ge_u (local.get $p) (local.get $to)))
              (local.set $c (i32.load8_u (local.get $p)))
              (if (i32.eq (local.get $j) (local.get $portHole))
                (then
                  ;; the port: digits only (no sign, fraction or exponent), as plainPortAt reads them
                  (local.set $e (call $numberEnd (local.get $p) (local.get $to)))
                  (br_if $stop (i32.lt_s (local.get $e) (i32.const 0)))
                  (local.set $port (i32.const 0))
                  (local.set $digits (i32.const 0))
                  (block $read
                    (loop $digit
                      (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $digits))))
                      (br_if $read (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)))
                      (br_if $stop (i32.eq (local.get $digits) (i32.const 5)))
                      (local.set $port (i32.add (i32.mul (local.get $port) (i32.const 10)) (i32.sub (local.get $c) (i32.const 48))))
                      (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
                      (br $digit)))
                  (br_if $stop (i32.eqz (local.get $digits)))
                  (br_if $stop (i32.ne (i32.add (local.get $p) (local.get $digits)) (local.get $e)))
                  (br_if $stop (i32.gt_u (local.get $port) (i32.const 65535)))
                  (if (i32.load8_u (i32.add (local.get $port) (i32.const 1179648)))
                    (then (i32.store (i32.const 4) (i32.const 1)) (br $stop)))
                  (local.set $p (local.get $e)))
                (else
                  (if (i32.eq (local.get $c) (i32.const 34))
                    (then
                      ;; a string: its first quote, backslash or control byte must be its closing quote
                      (local.set $e (i32.add (local.get $p) (i32.const 1)))
                      (block $found
                        (loop $search
                          (br_if $stop (i32.ge_u (local.get $e) (local.get $to)))
                          (local.set $v (v128.load (local.get $e)))
                          (local.set $m (i8x16.bitmask (v128.or (v128.or
                            (i8x16.eq (local.get $v) (local.get $vq)) (i8x16.eq (local.get $v) (local.get $vb)))
                            (i8x16.lt_u (local.get $v) (local.get $vctl)))))
                          (if (local.get $m)
                            (then
                              (local.set $e (i32.add (local.get $e) (i32.ctz (local.get $m))))
                              (br $found)))
                          (local.set $e (i32.add (local.get $e) (i32.const 16)))
                          (br $search)))
                      (br_if $stop (i32.ge_u (local.get $e) (local.get $to)))
                      (br_if $stop (i32.ne (i32.load8_u (local.get $e)) (i32.const 34)))
                      (local.set $p (i32.add (local.get $e) (i32.const 1))))
                    (else
                      (local.set $p (call $scalarEnd (local.get $p) (local.get $to)))
                      (br_if $stop (i32.lt_s (local.get $p) (i32.const 0)))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $segment))))
        ;; the line feed, a CR before it allowed
        (br_if $stop (i32.ge_u (local.get $p) (local.get $to)))
        (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 13))
          (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
        (br_if $stop (i32.ge_u (local.get $p) (local.get $to)))
        (br_if $stop (i32.ne (i32.load8_u (local.get $p)) (i32.const 10)))
        (br_if $stop (i32.gt_u (i32.sub (local.get $p) (local.get $ls)) (local.get $maxLine)))
        (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
        (local.set $ls (i32.add (local.get $p) (i32.const 1)))
        (br $line)))
    (i32.store (i32.const 0) (local.get $lines))
    (local.get $ls))
  ;; numberEnd(i, to): the end of the JSON number at i (json-bytes.ts numberEnd), or -1.
  (func $numberEnd (param $i i32) (param $to i32) (result i32)
    (local $c i32) (local $f i32)
    (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 45)) (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
    (if (i32.ge_u (local.get $i) (local.get $to)) (then (return (i32.const -1))))
    (local.set $c (i32.load8_u (local.get $i)))
    (if (i32.eq (local.get $c) (i32.const 48))
      (then (local.set $i (i32.add (local.get $i) (i32.const 1))))
      (else
        (if (i32.gt_u (i32.sub (local.get $c) (i32.const 49)) (i32.const 8)) (then (return (i32.const -1))))
        (local.set $i (call $digitsEnd (i32.add (local.get $i) (i32.const 1)) (local.get $to)))))
    (if (i32.and (i32.lt_u (local.get $i) (local.get $to)) (i32.eq (i32.load8_u (local.get $i)) (i32.const 46)))
      (then
        (local.set $f (i32.add (local.get $i) (i32.const 1)))
        (local.set $i (call $digitsEnd (local.get $f) (local.get $to)))
        (if (i32.eq (local.get $i) (local.get $f)) (then (return (i32.const -1))))))
    (if (i32.lt_u (local.get $i) (local.get $to))
      (then
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.or (i32.eq (local.get $c) (i32.const 101)) (i32.eq (local.get $c) (i32.const 69)))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.lt_u (local.get $i) (local.get $to))
              (then
                (local.set $c (i32.load8_u (local.get $i)))
                (if (i32.or (i32.eq (local.get $c) (i32.const 43)) (i32.eq (local.get $c) (i32.const 45)))
                  (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))))
            (local.set $f (local.get $i))
            (local.set $i (call $digitsEnd (local.get $f) (local.get $to)))
            (if (i32.eq (local.get $i) (local.get $f)) (then (return (i32.const -1))))))))
    (local.get $i))
  ;; digitsEnd(i, to): the first byte from i on (before to) that is not a decimal digit.
  (func $digitsEnd (param $i i32) (param $to i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $to)))
        (br_if $done (i32.gt_u (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)) (i32.const 9)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))
  ;; scalarEnd(i, to): the end of the number, true, false or null at i, or -1 (a string is the caller's).
  (func $scalarEnd (param $i i32) (param $to i32) (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u (local.get $i)))
    (if (i32.or (i32.eq (local.get $c) (i32.const 45)) (i32.le_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)))
      (then (return (call $numberEnd (local.get $i) (local.get $to)))))
    ;; `true` and `null` four bytes, `false` five, compared as little-endian words
    (if (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $to)) (then (return (i32.const -1))))
    (if (i32.or (i32.eq (i32.load (local.get $i)) (i32.const 0x65757274)) (i32.eq (i32.load (local.get $i)) (i32.const 0x6c6c756e)))
      (then (return (i32.add (local.get $i) (i32.const 4)))))
    (if (i32.and (i32.eq (i32.load (local.get $i)) (i32.const 0x736c6166))
        (i32.and (i32.le_u (i32.add (local.get $i) (i32.const 5)) (local.get $to)) (i32.eq (i32.load8_u offset=4 (local.get $i)) (i32.const 101))))
      (then (return (i32.add (local.get $i) (i32.const 5)))))
    (i32.const -1))
)
