/**
 * Every JSON document format (Azure, GCP, sensors…), tried per JSON record before the generic column schema, the
 * last match first. Adding one is a module in this folder plus one line here (one import, one entry).
 */
import { azureFirewallFormat } from './azure-firewall.js';
import { azureNsgFormat, azureVnetFormat } from './azure-nsg.js';
import type { DocumentFormat } from './document.js';
import { gcpVpcFormat } from './gcp-vpc.js';
import { nfdumpJsonFormat } from './nfdump-json.js';
import { suricataEveFormat } from './suricata-eve.js';
import { windowsSecurityJsonFormat } from './windows-security.js';
import { zeekConnFormat } from './zeek-conn.js';

export const DOCUMENT_FORMATS: readonly DocumentFormat[] = [
  azureNsgFormat,
  azureVnetFormat,
  azureFirewallFormat,
  gcpVpcFormat,
  zeekConnFormat,
  suricataEveFormat,
  windowsSecurityJsonFormat,
  nfdumpJsonFormat,
];
