export { KqlEmitError, renderKql, renderKqlRules } from './render.js';
export {
  KQL_NUMERIC_TYPES,
  KQL_OUTPUT_NAMES,
  KQL_TABLES,
  KQL_TIME_OUTPUT,
  kqlTable,
  kqlTableNames,
  type KqlColumn,
  type KqlScalarType,
  type KqlTableProfile,
} from './tables.js';
