/**
 * One XML element from untrusted input, the way every XML reader here parses it: fast-xml-parser with entity
 * processing off (an entity bomb stays literal text), values kept as written (no number or boolean guessing),
 * attributes under `@_`. Callers bound the element's size before they parse it.
 */
import type * as FastXmlParser from 'fast-xml-parser';
import { lazily } from '../lazy.js';

/** Loaded the first time an XML element is read (its CommonJS build: one file, where the ES module build is ~40). */
const fastXmlParser = lazily<typeof FastXmlParser>('fast-xml-parser');

/** `true` when `xml` is well-formed, else where it is not (fast-xml-parser's `XMLValidator.validate`). */
export function validateXml(xml: string): true | FastXmlParser.ValidationError {
  return fastXmlParser().XMLValidator.validate(xml);
}

export interface UntrustedXmlParser {
  parse(xml: string): unknown;
}

/** A parser for elements whose repeated children `arrays` must always be arrays. */
export function untrustedXmlParser(arrays: ReadonlySet<string>): UntrustedXmlParser {
  let parser: FastXmlParser.XMLParser | undefined;
  const create = () => new (fastXmlParser().XMLParser)({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => arrays.has(name),
  });
  return { parse: (xml) => (parser ??= create()).parse(xml) as unknown };
}

/**
 * The five predefined entities and numeric character references, decoded — all an untrusted document may use, since
 * the parser expands no entity (`&amp;` stays `&amp;` in what it returns).
 */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g, (all, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name) return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name as 'amp'];
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}
