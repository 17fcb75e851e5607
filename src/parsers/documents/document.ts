/**
 * The slot for JSON documents of a known producer (Azure NSG flow logs, Azure Firewall, GCP VPC flow logs, Zeek,
 * Suricata EVE…): one module per producer, listed in src/parsers/documents/registry.ts. Every JSON record a JSON
 * input holds (a JSON Lines line, a JSON array element, an element of an Azure `{"records": [...]}` blob) is offered
 * to them in turn, the last one that matched first, before the generic column schema reads it.
 */
import type { NetworkEvent } from '../../model/event.js';
import type { MessageContext } from '../syslog/message.js';
import { NOT_MINE } from '../syslog/message.js';
import type { ParseResult } from '../types.js';

export { NOT_MINE };

/** What a document parser may know besides the document: as for syslog messages (file, line, time, pre-filter). */
export type DocumentContext = MessageContext;

export interface DocumentFormat<T = NetworkEvent> {
  /** Event `format` value. */
  id: string;
  vendor: string;
  product: string;
  description: string;
  /** How a document is recognised, for `dicomwatch formats`. */
  recognizedBy: string;
  /** A typical document as one JSON line (`dicomwatch formats` shows it; a test parses it to an event). */
  sample: string;
  /**
   * Top-level keys (exact, case-sensitive) one of which a document must have for this format to claim it: `parse`
   * returns NOT_MINE for a document with none of them, whatever its values. The JSON Lines hot path (jsonl.ts)
   * relies on it to decide a record without offering it to the formats; test/hot-path-jsonl.test.ts checks it.
   * Absent: the format may claim any document, and that hot path stays off.
   */
  claimKeys?: readonly string[];
  /**
   * The outcome of a document this format recognises — its events (several for a record that holds several flows,
   * they share the record's line), a skip, or an error — or NOT_MINE, cheaply: every JSON record of every JSON
   * input is offered to every document format.
   */
  parse(doc: Readonly<Record<string, unknown>>, ctx: DocumentContext): ParseResult<T> | typeof NOT_MINE;
}

/** Offers a document to the formats in turn, the last one that matched first; NOT_MINE when none claims it. */
export function documentDispatcher<T = NetworkEvent>(
  formats: readonly DocumentFormat<T>[],
): (doc: Readonly<Record<string, unknown>>, ctx: DocumentContext) => ParseResult<T> | typeof NOT_MINE {
  let last = 0;
  return (doc, ctx) => {
    for (let k = 0; k < formats.length; k++) {
      const index = k === 0 ? last : k <= last ? k - 1 : k;
      const result = formats[index]!.parse(doc, ctx);
      if (result === NOT_MINE) continue;
      last = index;
      return result;
    }
    return NOT_MINE;
  };
}
