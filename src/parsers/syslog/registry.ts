/**
 * Every vendor message format carried in syslog, tried per line (the last match first). Adding a vendor is a module
 * in this folder plus one line here.
 */
import { fortigateFormat } from './fortigate.js';
import { iptablesFormat } from './iptables.js';
import type { MessageFormat } from './message.js';
import { sonicwallFormat } from './sonicwall.js';
import { sophosXgFormat } from './sophos-xg.js';

export const MESSAGE_FORMATS: readonly MessageFormat[] = [iptablesFormat, fortigateFormat, sonicwallFormat, sophosXgFormat];
