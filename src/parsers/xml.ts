/**
 * One XML element from untrusted input, the way every XML reader here parses it: fast-xml-parser with entity
 * processing off (an entity bomb stays literal text), values kept as written (no number or boolean guessing),
 * attributes under `@_`. Callers bound the element's size before they parse it.
 */
import { XMLParser } from 'fast-xml-parser';

/** A parser for elements whose repeated children `arrays` must always be arrays. */
export function untrustedXmlParser(arrays: ReadonlySet<string>): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => arrays.has(name),
  });
}
