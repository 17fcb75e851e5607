/**
 * Every vendor message format carried in syslog, tried per line (the last match first). Adding a vendor is a module
 * in this folder plus one line here (one import, one entry), and its id in ../format-ids.ts.
 */
import { cefFormat } from './cef.js';
import { checkpointFormat } from './checkpoint.js';
import { ciscoAsaFormat, ciscoFtdFormat } from './cisco-asa.js';
import { filterlogFormat } from './filterlog.js';
import { fortigateFormat } from './fortigate.js';
import { iptablesFormat } from './iptables.js';
import { juniperSrxFormat } from './juniper-srx.js';
import { leefFormat } from './leef.js';
import { merakiFormat } from './meraki.js';
import type { MessageFormat } from './message.js';
import { panosFormat } from './panos.js';
import { sonicwallFormat } from './sonicwall.js';
import { sophosXgFormat } from './sophos-xg.js';

export const MESSAGE_FORMATS: readonly MessageFormat[] = [
  iptablesFormat,
  filterlogFormat,
  juniperSrxFormat,
  ciscoAsaFormat,
  ciscoFtdFormat,
  cefFormat,
  leefFormat,
  panosFormat,
  fortigateFormat,
  sonicwallFormat,
  sophosXgFormat,
  checkpointFormat,
  merakiFormat,
];
