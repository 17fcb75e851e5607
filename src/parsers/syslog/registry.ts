/**
 * Every vendor message format carried in syslog, tried per line (the last match first). Adding a vendor is a module
 * in this folder plus one line here.
 */
import { cefFormat } from './cef.js';
import { iptablesFormat } from './iptables.js';
import { leefFormat } from './leef.js';
import type { MessageFormat } from './message.js';

export const MESSAGE_FORMATS: readonly MessageFormat[] = [iptablesFormat, cefFormat, leefFormat];
