/**
 * The hot paths' delimiter scan (split.wat, WebAssembly SIMD): where the bytes a format splits on are in a record,
 * sixteen bytes a step, so that the format's own JavaScript visits the delimiters instead of every byte.
 *
 * The kernel reads its own memory: a window of up to 1 MiB of the Buffer a line is in is copied there once and
 * serves every line inside it. A caller's Buffer may hold new bytes on its next `push` (readers reuse theirs), so the
 * record parser calls `forget()` at every push; within one push a Buffer's bytes do not change.
 */
import { SPLIT_WASM } from './split-wasm.js';

// The few WebAssembly names used here (the project's lib settings have no DOM, which is where TypeScript types them).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module);
    readonly exports: unknown;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
}

/** Memory layout (split.wat): slot 0 an answer, then the positions, then the window, then a slack page. */
const SLOTS = 16384;
const WINDOW_AT = 65536;
const WINDOW_BYTES = 1 << 20;
/** Where a syslog header is kept for `sameHeader`, in the slack page (past the window's 16-byte overrun). */
const HEADER_AT = WINDOW_AT + WINDOW_BYTES + 16;
/** The table of wanted ports `rows` and `fields` read: the last page. */
const PORTS_AT = WINDOW_AT + WINDOW_BYTES + 65536;
/** Where `netfilter`'s line prefix is kept, in the slack page after the header. */
const PREFIX_AT = HEADER_AT + 512;
/** The check code of each field `fields` reads (FieldCheck), in the slack page after the prefix. */
const CHECKS_AT = HEADER_AT + 1024;
/** The type `panos` compares (at most 64 bytes), after the checks. */
const TYPE_AT = HEADER_AT + 1152;
/** The frame `json` compares JSON Lines records with (at most FRAME_BYTES), and its segments' offsets (i32s) after it. */
const FRAME_AT = HEADER_AT + 1280;
const FRAME_BYTES = 4096;
const SEGMENTS_AT = FRAME_AT + FRAME_BYTES + 16;
/** The most segments `json` takes (MAX_FRAME_HOLES + 1 in json-bytes.ts). */
const MAX_SEGMENTS = 257;
/** The most fields `fields` checks. */
const MAX_CHECKED_FIELDS = 64;

/**
 * What the lines `netfilter` and `panos` settle start with: a syslog header and the start of the message that frames
 * them as a line framed before was (syslog/family.ts), at most MAX_HEADER bytes.
 */
export interface LinePrefix {
  bytes: Buffer;
  /** Offsets where a digit may stand for another digit: the stamp's, and (for a message without a tag) its first word's. */
  stampFrom: number;
  stampTo: number;
  wordFrom: number;
  wordTo: number;
  /** The offset of the message in the line (the prefix's length when it ends with a `TAG: `). */
  messageAt: number;
}

/** What `fields` checks a field for (split.wat's codes). */
export const enum FieldCheck {
  None = 0,
  /** 1..2 decimal digits. */
  Version = 1,
  /** 1..12 decimal digits, or `-`. */
  EpochOrDash = 2,
  /** ACCEPT, REJECT or `-`. */
  Action = 3,
  /** OK, NODATA, SKIPDATA or `-`. */
  LogStatus = 4,
  /** 1..5 decimal digits, at most 65535, a port the table does not want. */
  UnwantedPort = 5,
  /** Anything but `-`. */
  NotDash = 6,
  /** Starts with `vpc-`. */
  VpcId = 7,
  /** Does not start with `vpc-`. */
  NotVpcId = 8,
}

interface SplitExports {
  memory: WebAssembly.Memory;
  split(from: number, to: number, a: number, b: number, c: number, below: number, keep: number): number;
  same(p: number, h: number, n: number, from: number, to: number): number;
  rows(from: number, to: number, delim: number, column: number, columns: number, header: number, maxLine: number): number;
  fields(from: number, to: number, count: number, maxLine: number): number;
  netfilter(from: number, to: number, prefix: number, stampFrom: number, stampTo: number, from2: number, to2: number, messageAt: number, maxLine: number): number;
  panos(from: number, to: number, prefix: number, stampFrom: number, stampTo: number, from2: number, to2: number, messageAt: number, maxLine: number,
    typeLen: number, typeField: number, portField: number, last: number): number;
  cef(from: number, to: number, prefix: number, stampFrom: number, stampTo: number, from2: number, to2: number, messageAt: number, maxLine: number): number;
  json(from: number, to: number, segments: number, portHole: number, maxLine: number): number;
}

/**
 * The compiled kernel, made on first use: an immutable module, undefined where this Node cannot run it (no
 * WebAssembly SIMD, `--jitless`) — the formats then leave every record to the text path.
 */
let compiled: WebAssembly.Module | null | undefined;
function kernelModule(): WebAssembly.Module | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(SPLIT_WASM, 'base64'));
    } catch {
      compiled = null;
    }
  }
  return compiled ?? undefined;
}

/** One per record parser: an instance of the kernel with its own memory (~1.2 MB), made on the first scan. */
export class ByteScanner {
  /** The most positions one scan keeps. */
  static readonly MAX_KEPT = SLOTS - 1;

  /** Undefined until the first scan; null where the kernel cannot run. */
  private kernel: Pick<SplitExports, 'split' | 'same' | 'rows' | 'fields' | 'netfilter' | 'panos' | 'cef' | 'json'> & { memory: Uint8Array; slots: Int32Array } | null | undefined;
  /** What was last copied to each address of the kernel's memory (header, prefix, checks, port table, frame): copied once. */
  private readonly copied = new Map<number, Uint8Array | Int32Array>();
  private window: Buffer | undefined;
  private windowStart = 0;
  private windowEnd = 0;
  /** The kernel memory's address of the window Buffer's byte 0 (positions come back as addresses). */
  private base = 0;

  private instance() {
    if (this.kernel === undefined) {
      const module = kernelModule();
      const exports = module && (new WebAssembly.Instance(module).exports as SplitExports);
      this.kernel = exports
        ? { split: exports.split, same: exports.same, rows: exports.rows, fields: exports.fields, netfilter: exports.netfilter, panos: exports.panos, cef: exports.cef, json: exports.json, memory: new Uint8Array(exports.memory.buffer), slots: new Int32Array(exports.memory.buffer, 0, SLOTS) }
        : null;
    }
    return this.kernel;
  }

  /** The Buffers seen so far may hold other bytes from now on (a new chunk was pushed). */
  forget(): void {
    this.window = undefined;
    this.wantedAt = -1;
  }

  /**
   * The bytes equal to `a` in bytes [start, end) of `buf`: how many there are, the positions of the first `keep` of
   * them then `at(0..)`, and `stop()` the first byte equal to `b` or `c` or below `below` (0: none). -1 when the
   * range is not scanned here (longer than the window): the caller then decides as if the kernel were absent.
   */
  scan(buf: Buffer, start: number, end: number, a: number, b: number, c: number, below: number, keep: number = ByteScanner.MAX_KEPT): number {
    const kernel = this.kernel ?? this.instance();
    if (kernel === null || !this.place(kernel.memory, buf, start, end)) return -1;
    return kernel.split(start + this.base, end + this.base, a, b, c, below, Math.min(keep, ByteScanner.MAX_KEPT));
  }

  /** The longest header `sameHeader` compares. */
  static readonly MAX_HEADER = 256;

  /**
   * Whether bytes [start, start + header.length) of `buf` are `header`'s, except that at offsets [from, to) (a
   * timestamp's) a digit may stand for another digit; undefined when the kernel cannot say (no kernel, a header
   * over MAX_HEADER bytes). `header` must not change while it is in use: it is copied in once.
   */
  sameHeader(buf: Buffer, start: number, header: Buffer, from: number, to: number): boolean | undefined {
    const kernel = this.kernel ?? this.instance();
    const n = header.length;
    if (kernel === null || n > ByteScanner.MAX_HEADER || !this.place(kernel.memory, buf, start, start + n)) return undefined;
    this.copyIn(kernel.memory, header, HEADER_AT);
    return kernel.same(start + this.base, HEADER_AT, n, from, to) === 1;
  }

  /**
   * The rows of delimited text (CSV) from line start `start` on that a scan settles as FILTERED, over the whole
   * lines before `end`: how many there are (`took` then tells where the first row it did not settle starts),
   * -1 when the kernel cannot run. A row is settled when it has no quote, `columns` fields, a length other than
   * `headerLength` (-1: none) and at most `maxLine` bytes (its CR included), no BOM in front, and its field `column`
   * is a port of 1–5 decimal digits (spaces around allowed, at most 65535) that `ports` (indexed by port; 1:
   * wanted) does not want. `ports` must not change while it is in use: it is copied in once. At most a window
   * (1 MiB) is scanned per call.
   */
  rows(buf: Buffer, start: number, end: number, delimiter: number, column: number, columns: number, headerLength: number, maxLine: number, ports: Uint8Array): number {
    const kernel = this.lines(buf, start, end, ports);
    if (kernel === null) return -1;
    return this.settled(kernel, kernel.rows(start + this.base, this.to + this.base, delimiter, column, columns, headerLength, maxLine));
  }

  /**
   * The records of space-separated fields (AWS VPC flow logs) from line start `start` on that a scan settles as
   * FILTERED, over the whole lines before `end`: how many there are (`took` then tells where the first record
   * it did not settle starts), -1 when the kernel cannot run. A record is settled when it does not start with a
   * lower-case letter (a header line), has `checks.length` fields (at most 64) separated by one space, none empty,
   * at most `maxLine` bytes (a CR at its end dropped; two are left to the caller), and each field k passes
   * `checks[k]` (FieldCheck; UnwantedPort reads `ports`). `checks` and `ports` must not change while in use.
   */
  fields(buf: Buffer, start: number, end: number, checks: Uint8Array, maxLine: number, ports: Uint8Array): number {
    const kernel = checks.length > MAX_CHECKED_FIELDS ? null : this.lines(buf, start, end, ports);
    if (kernel === null) return -1;
    this.copyIn(kernel.memory, checks, CHECKS_AT);
    return this.settled(kernel, kernel.fields(start + this.base, this.to + this.base, checks.length, maxLine));
  }

  /**
   * The netfilter (iptables LOG) lines of a syslog file from line start `start` on that a scan settles as FILTERED,
   * over the whole lines before `end`: how many there are (`took` then tells where the first line it did not
   * settle starts), -1 when the kernel cannot run. A line is settled when it starts with `prefix`'s bytes (digits
   * aside where it says) and its message is one iptables.ts filteredOnBytes settles, with `ports` (indexed by port;
   * 1: wanted) for the rule ports, in at most `maxLine` bytes. `prefix` and `ports` must not change while in use.
   */
  netfilter(buf: Buffer, start: number, end: number, prefix: LinePrefix, maxLine: number, ports: Uint8Array): number {
    return this.messages('netfilter', buf, start, end, prefix, maxLine, ports);
  }

  /**
   * The CEF lines of a syslog file from line start `start` on that a scan settles as FILTERED, as `netfilter` for
   * netfilter lines: lines that start with `prefix`'s bytes and whose message cef.ts filteredOnBytes settles (the
   * header, then a first dpt no rule wants and a first src and dst with values, no backslash before the last of
   * them). -1 when the kernel cannot run.
   */
  cef(buf: Buffer, start: number, end: number, prefix: LinePrefix, maxLine: number, ports: Uint8Array): number {
    return this.messages('cef', buf, start, end, prefix, maxLine, ports);
  }

  /** A kernel function of syslog messages that reads nothing but the lines, their prefix and the port table. */
  private messages(kind: 'netfilter' | 'cef', buf: Buffer, start: number, end: number, prefix: LinePrefix, maxLine: number, ports: Uint8Array): number {
    const kernel = this.framedLines(buf, start, end, prefix, ports);
    if (kernel === null) return -1;
    const { bytes, stampFrom, stampTo, wordFrom, wordTo, messageAt } = prefix;
    return this.settled(kernel, kernel[kind](start + this.base, this.to + this.base, bytes.length, stampFrom, stampTo, wordFrom, wordTo, messageAt, maxLine));
  }

  /**
   * The PAN-OS CSV lines of a syslog file from line start `start` on that a scan settles as FILTERED, as `netfilter`
   * for netfilter lines: lines that start with `prefix`'s bytes and whose message has at least `last` commas, no
   * quote or brace before the `last`-th, a second field `YYYY/MM/DD hh:mm:ss`, field `typeField` equal to `type` (at
   * most 64 bytes), and field `portField` a port of 1–5 digits `ports` does not want (panos.ts filteredOnBytes, for
   * the layout of `type`). -1 when the kernel cannot run.
   */
  panos(buf: Buffer, start: number, end: number, prefix: LinePrefix, maxLine: number, ports: Uint8Array,
    type: Uint8Array, typeField: number, portField: number, last: number): number {
    if (type.length > 64) return -1;
    const kernel = this.framedLines(buf, start, end, prefix, ports);
    if (kernel === null) return -1;
    kernel.memory.set(type, TYPE_AT);
    const { bytes, stampFrom, stampTo, wordFrom, wordTo, messageAt } = prefix;
    return this.settled(kernel, kernel.panos(start + this.base, this.to + this.base, bytes.length, stampFrom, stampTo, wordFrom, wordTo, messageAt, maxLine,
      type.length, typeField, portField, last));
  }

  /**
   * The JSON Lines records from line start `start` on that a scan settles as FILTERED, over the whole lines before
   * `end`: how many there are (`took` then tells where the first it did not settle starts), -1 when the kernel cannot
   * run. A record is settled when it is `frame`'s segments with one scalar in each hole (a string without backslash or
   * control byte, a number, true, false, null; json-bytes.ts `framed`), hole `portHole` a port written as 1–5 plain
   * digits that `ports` does not want, up to its line feed (a CR before it allowed), in at most `maxLine` bytes.
   * `frame` and `ports` must not change while in use.
   */
  json(buf: Buffer, start: number, end: number, frame: { readonly from: Int32Array; readonly bytes: Buffer }, portHole: number, maxLine: number, ports: Uint8Array): number {
    const segments = frame.from.length - 1;
    if (segments > MAX_SEGMENTS || frame.bytes.length > FRAME_BYTES || portHole < 0 || portHole >= segments - 1) return -1;
    const kernel = this.lines(buf, start, end, ports);
    if (kernel === null) return -1;
    this.copyIn(kernel.memory, frame.bytes, FRAME_AT);
    this.copyIn(kernel.memory, frame.from, SEGMENTS_AT);
    return this.settled(kernel, kernel.json(start + this.base, this.to + this.base, segments, portHole, maxLine));
  }

  /** Where the last call placed its range's end (at most a window from its start). */
  private to = 0;

  /**
   * The kernel, with bytes [start, this.to) of `buf` — to `end`, at most a window — and `ports` in its memory; null
   * when it cannot run.
   */
  private lines(buf: Buffer, start: number, end: number, ports: Uint8Array) {
    const kernel = this.kernel ?? this.instance();
    this.to = Math.min(end, start + WINDOW_BYTES);
    if (kernel === null || !this.place(kernel.memory, buf, start, this.to)) return null;
    this.copyIn(kernel.memory, ports, PORTS_AT);
    return kernel;
  }

  /** `lines`, with a syslog line prefix in the kernel's memory too. */
  private framedLines(buf: Buffer, start: number, end: number, prefix: LinePrefix, ports: Uint8Array) {
    const kernel = prefix.bytes.length > ByteScanner.MAX_HEADER ? null : this.lines(buf, start, end, ports);
    if (kernel !== null) this.copyIn(kernel.memory, prefix.bytes, PREFIX_AT);
    return kernel;
  }

  /**
   * `data` at `at` in the kernel's memory (i32s little-endian, as WebAssembly reads them), copied unless it is what
   * was copied there last (callers keep it unchanged).
   */
  private copyIn(memory: Uint8Array, data: Uint8Array | Int32Array, at: number): void {
    if (this.copied.get(at) === data) return;
    if (data instanceof Uint8Array) memory.set(data, at);
    else {
      const view = new DataView(memory.buffer, memory.byteOffset);
      for (let j = 0; j < data.length; j++) view.setInt32(at + 4 * j, data[j]!, true);
    }
    this.copied.set(at, data);
  }

  /**
   * After a call that settles lines returned `end` (the kernel's address of the first line it did not settle): where
   * that line starts in the Buffer, and whether a wanted port stopped it there (slot 1); the lines settled (slot 0).
   */
  private settled(kernel: { slots: Int32Array }, end: number): number {
    this.rowsEnd = end - this.base;
    this.wantedAt = kernel.slots[1] === 1 ? this.rowsEnd : -1;
    return kernel.slots[0]!;
  }

  /** Where the first line the last call that settles lines did not settle starts, in its Buffer. */
  private rowsEnd = 0;
  /** That line's start when the last call that settles lines stopped there at a port a rule wants; else -1. */
  private wantedAt = -1;

  /**
   * Whether bytes from `start` of `buf` are the line the last call that settles lines (`rows`, `fields`, `json`,
   * `netfilter`, `cef`, `panos`) stopped at only because a rule wants its port: a line its format's byte path does not
   * settle, which its session then reads as text without looking at its bytes again. (A `rows` row passed every
   * other check; a `json` record matched the frame up to the port; a line of the syslog calls starts with the call's
   * prefix, digits aside where it says: it is framed like the lines the call settles.)
   */
  stoppedAtWantedPort(buf: Buffer, start: number): boolean {
    return start === this.wantedAt && buf === this.window;
  }

  /**
   * What a session's `block` answers after one of the calls that settle lines (`rows`, `fields`, `netfilter`, `panos`,
   * `cef`) returned `count`: the lines it settled, with `taken.end` where the first it did not settle starts; 0 when
   * it settled none or could not run.
   */
  took(count: number, taken: { end: number }): number {
    if (count <= 0) return 0;
    taken.end = this.rowsEnd;
    return count;
  }

  /** Make bytes [start, end) of `buf` readable by the kernel (at `base + i`): false when the range is too long. */
  private place(memory: Uint8Array, buf: Buffer, start: number, end: number): boolean {
    if (buf === this.window && start >= this.windowStart && end <= this.windowEnd) return true;
    if (end - start > WINDOW_BYTES) return false;
    const to = Math.min(buf.length, start + WINDOW_BYTES);
    memory.set(buf.subarray(start, to), WINDOW_AT);
    this.window = buf;
    this.windowStart = start;
    this.windowEnd = to;
    this.base = WINDOW_AT - start;
    return true;
  }

  /** The position in `buf` of the k-th byte the last scan found (k below its count and its `keep`). */
  at(k: number): number {
    return this.kernel!.slots[k + 1]! - this.base;
  }

  /** The position in `buf` of the first stop byte of the last scan, or -1. */
  stop(): number {
    const s = this.kernel!.slots[0]!;
    return s < 0 ? -1 : s - this.base;
  }
}
