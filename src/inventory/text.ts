/**
 * Saved tool output as text, whatever wrote it: gzip undone, a UTF-8 BOM dropped, UTF-16 (BOM FF FE or FE FF:
 * Windows PowerShell 5.1's `>` and `Out-File`) decoded, and UTF-16LE without a BOM recognised by its zero bytes.
 */
import { gunzipSync } from 'node:zlib';

export function decodeText(input: Uint8Array): string {
  let buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.toString('utf8', 3);
  if (looksUtf16le(buf)) return new TextDecoder('utf-16le').decode(buf);
  return buf.toString('utf8');
}

/** ASCII text in UTF-16LE: every odd byte of the first few hundred is zero and the even ones are not. */
function looksUtf16le(buf: Buffer): boolean {
  const n = Math.min(buf.length, 512) & ~1;
  if (n < 4) return false;
  let zeros = 0;
  for (let i = 1; i < n; i += 2) if (buf[i] === 0 && buf[i - 1] !== 0) zeros++;
  return zeros >= (n / 2) * 0.9;
}
