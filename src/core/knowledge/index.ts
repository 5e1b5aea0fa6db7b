export {
  autocomplete,
  createKnowledgeIndex,
  detectLocale,
  explain,
  topicLabel,
  MIN_COVERAGE,
  MIN_SCORE_PER_UNIT,
  EXACT_SCORE,
  type RankedHit,
  type ExplainResult,
  type KnowledgeIndex,
  type Locale,
} from './search.ts';
export { KNOWLEDGE_CREDIT } from './credit.ts';
