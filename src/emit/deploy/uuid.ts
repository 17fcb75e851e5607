/**
 * Name-based UUIDs (RFC 9562 §5.5, version 5: SHA-1), so a deployed rule keeps its id from one run to the next and
 * re-deploying updates the rule instead of adding a copy.
 */
import { lazily } from '../../lazy.js';

const crypto = lazily<typeof import('node:crypto')>('node:crypto');

function bytesOf(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`${JSON.stringify(uuid)} is not a UUID`);
  return Buffer.from(hex, 'hex');
}

/** UUID version 5 of `name` (UTF-8) in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  const hash = crypto().createHash('sha1').update(bytesOf(namespace)).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** RFC 9562's URL namespace. */
export const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/**
 * dicomwatch's namespace for analytics-rule ids: uuidV5(URL_NAMESPACE, 'urn:dicomwatch:sentinel-analytics-rule'),
 * written out so that loading this module hashes nothing (tested).
 */
export const DICOMWATCH_RULE_NAMESPACE = 'a2131db7-1847-5c35-96ac-16db405de4cd';
