/** The comparison engine: variants, datasets, runs with resume, scorers, aggregates, diffs and break-even. */

export { percentile, type ScorerSummary, summarizeRun, type VariantSummary } from './aggregate';
export { type BreakEven, type BreakEvenInput, computeBreakEven, type CostLine, type CostSide } from './breakEven';
export { type CallOutcome, type ModelResolver, type ResolvedModel } from './call';
export { datasetFormatOf, loadDataset, type LoadedDataset, parseDataset, type ParsedDataset } from './dataset';
export { type DiffPart, wordDiff } from './diff';
export { pickFewShotExamples } from './fewShot';
export { type ChatExample, readChatJsonl, validateFineTuneJsonl } from './finetune';
export { type Diagnostic, type QuickFix } from './jsonl';
export { logprobFigures } from './logprobs';
export { createModelResolver } from './models';
export { DEFAULT_CONCURRENCY, runComparison, type RunOptions, type RunResult } from './run';
export { compactRunFile, createRunId, readRunFile, RUNS_FOLDER, runFilePath, type RunFileContents } from './runFile';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './scheduler';
export { checkScorers, scoreOutput, scorerId } from './scorers';
export { buildMessages, DEFAULT_TEMPLATE, renderTemplate, templateVariables } from './template';
export * from './types';
export { type ComparisonDefinition, loadVariantsFile, parseVariantsFile, VARIANTS_FILE_SCHEMA } from './variantsFile';
