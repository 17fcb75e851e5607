/**
 * Every vendor message format carried in syslog, tried per line (the last match first). Adding a vendor is a module
 * in this folder plus one line here.
 */
import { checkpointFormat } from './checkpoint.js';
import { iptablesFormat } from './iptables.js';
import { merakiFormat } from './meraki.js';
import type { MessageFormat } from './message.js';

export const MESSAGE_FORMATS: readonly MessageFormat[] = [iptablesFormat, checkpointFormat, merakiFormat];
