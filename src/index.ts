/** dicomwatch's public API: parsers → model → rules engine → emitters. */
export type { Action, EventInput, NetworkEvent } from './model/event.js';
export { ACTIONS, EVENT_KEYS, eventJsonObject, eventToJson } from './model/event.js';
export { ALERT_GROUP_FIELDS, alertValue, type Alert, type AlertGroup, type AlertList, type Severity } from './model/alert.js';
export { normalizeAction } from './model/action.js';
export { ianaProtocol, normalizeProtocol, protocolFromNumber } from './model/protocol.js';

export { canonicalIp } from './net/ip.js';
export { parseCidr, CidrSet, type Cidr } from './net/cidr.js';
export { createClassifier, ipv4IsPrivate, type Classifier } from './net/classify.js';
export { KQL_PRIVATE_V4, STRICT_INTERNAL_V4, STRICT_INTERNAL_V6 } from './net/ranges.js';

export { parseTimestamp, formatTime, type TimeContext } from './time/parse.js';
export { normalizeZone } from './time/zone.js';
export { binMs, hourBucket, HOUR_MS, parseTimespan } from './time/bin.js';

export type {
  ByteFormat, ByteSession, ColumnReport, ErrorCode, Format, LineFormat, LineSession, ParseContext, ParseObserver, ParseResult,
  Prefilter, RecordOutcome, Rejection, SkipCode,
} from './parsers/types.js';
export { fail, skip, lineByLine, toOutcome } from './parsers/types.js';
export { FORMATS, FORMAT_IDS, formatById, sniffBytes, sniffFormat } from './parsers/registry.js';
export { syslogFamily } from './parsers/syslog/family.js';
export { DOCUMENT_FORMATS } from './parsers/documents/registry.js';
export { documentDispatcher, type DocumentContext, type DocumentFormat } from './parsers/documents/document.js';
export { MESSAGE_FORMATS } from './parsers/syslog/registry.js';
export { NOT_MINE, type MessageContext, type MessageFormat } from './parsers/syslog/message.js';
export { parseSyslogLine, type SyslogLine, type YearState } from './parsers/syslog/framing.js';
export { packetFileSession, type PacketContext, type PacketDecoder, type PacketFraming } from './parsers/packets.js';
export { GENERIC_SCHEMA, type ColumnSchema, type ColumnSource, type SourceField } from './parsers/fields.js';
export {
  createRecordParser, parseText, emptyInfo, addInfo, SNIFF_BYTES, type ParserInfo, type RecordParser, type RecordParserOptions,
} from './parsers/record-parser.js';
export { InputFileError } from './parsers/errors.js';
export { describeColumns, explainUnreadInput, explainUnusedInput } from './parsers/explain.js';
export { readRecords, type ReadOptions, type RecordStream } from './io/reader.js';
export { recordTransform, recordTransformStream } from './io/streams.js';

export type { EventField, NetworkPolicy, PlanSource, Predicate, QueryPlan, Semantics, Threshold } from './rules/plan.js';
export { AGGREGATES, type Aggregate, type AggregateOperator } from './rules/aggregates.js';
export { loadRules, DEFAULT_RULES_PATH, type LoadedRules } from './rules/load.js';
export { loadSigmaRules, parseSigmaText, readSigmaRules, readSigmaText, type SigmaReading, type SigmaRule } from './rules/sigma.js';
export { applyRuleOptions, expandPlaceholders, internalNetworks, type RuleOptions } from './rules/options.js';
export { compileRules, compileRulesReport, requiredDstPorts, type CompileReport } from './rules/compile.js';
export {
  createEngine, evaluate, compareAlerts, type Engine, type EngineInfo, type EngineOptions, type EngineSnapshot, type GroupKey, type GroupSnapshot,
} from './rules/engine.js';
export { canonicalEvent } from './rules/events.js';
export { RuleError, RulesPathError, type SourceLocation } from './rules/errors.js';
export { DicomwatchError, type DicomwatchErrorCode } from './errors.js';

export { renderKql, renderKqlRules, KqlEmitError } from './emit/kql/render.js';
export type { KqlRenderOptions } from './emit/kql/lookback.js';
export { parseKqlTimespan } from './emit/kql/timespan.js';
export {
  renderAnalyticsRules, renderArmTemplate, sentinelScheduledRule, DeployError, type SentinelScheduledRule,
} from './emit/deploy/sentinel.js';
export { ocsfFinding, OCSF_VERSION } from './emit/alerts/ocsf.js';
export { cefLine } from './emit/alerts/cef.js';
export { KQL_TABLES, kqlTable, type KqlTableProfile } from './emit/kql/tables.js';
export { renderSigma } from './emit/sigma.js';
export { renderAlerts, ALERT_OUTPUTS, type AlertOutput } from './emit/alerts/index.js';

export {
  parse, scan, createScanner, scannerTransform, scannerTransformStream,
  type EventStream, type ParseOptions, type ScanOptions, type ScanResult, type ScannedInput, type Scanner, type ScannerOptions,
} from './pipeline.js';
export type { InputSource } from './io/reader.js';
export { prefilterForPlans } from './rules/compile.js';

// Inventory and audit: DICOM listeners (live /proc, saved ss/netstat/lsof/PowerShell), servers in traffic and nmap XML.
export * from './inventory/index.js';

export {
  createCollector, exporterAddress, DEFAULT_GRACE_MS, DEFAULT_TEMPLATE_TTL_MS,
  type Collector, type CollectorOptions, type CollectorSummary, type DatagramSource,
} from './collect/collector.js';
export { frameNetflow } from './parsers/netflow/format.js';
export { netflowDecoder, type NetflowState } from './parsers/netflow/decoder.js';
export { newFlowSequencer, type FlowSequencer, type PacketSource, type SequencerOptions } from './parsers/netflow/sequencer.js';
export { expireTemplates, newTemplateStore, type TemplateKey, type TemplateStore } from './parsers/netflow/templates.js';

// Packet captures (pcap, pcapng): the reader and the link / IP / UDP decoders, for formats built on captures.
export * as pcap from './parsers/pcap/index.js';
export { listenUdp, parseListenUrl, ListenError, type ListenAddress, type UdpListeners } from './collect/udp.js';
export { liveAlertWriter, type LiveAlertWriter } from './collect/live-output.js';
