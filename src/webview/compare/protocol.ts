/**
 * Messages between the Compare panel's page and its host. Both sides import this file, so a renamed or reshaped
 * message fails to compile on both.
 *
 * The page may import no core module, so the comparison types it shows are declared here a second time.
 * `src/vscode/compare/protocolTypes.ts` fails to compile when they differ from the core's types in `core/compare/types`.
 */

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
	role: ChatRole;
	content: string;
}

/** US dollars per million tokens. */
export interface TokenPrice {
	inputPerMillion: number;
	outputPerMillion: number;
}

export interface VariantParameters {
	temperature?: number;
	topP?: number;
	maxTokens?: number;
	seed?: number;
	stop?: string[];
	logprobs?: boolean;
}

export interface FewShotExample {
	messages: ChatMessage[];
}

/** Examples picked from a fine-tuning JSONL file. `file` is relative to the workspace folder in the panel. */
export interface FewShotSource {
	file: string;
	count: number;
	pick: 'first' | 'random';
	seed?: number;
}

/**
 * A model with its prompt, examples and parameters. In the panel, `examples` holds only the examples typed in: those
 * of `examplesFrom` are picked from the file when a run starts and sent after them.
 */
export interface Variant {
	id: string;
	label: string;
	model: string;
	system?: string;
	examples?: FewShotExample[];
	examplesFrom?: FewShotSource;
	template?: string;
	parameters?: VariantParameters;
	price?: TokenPrice;
}

export type ScorerSpec =
	| { type: 'exact'; id?: string; caseSensitive?: boolean; trim?: boolean }
	| { type: 'contains'; id?: string; value?: string; caseSensitive?: boolean }
	| { type: 'regex'; id?: string; pattern: string; flags?: string }
	| { type: 'json'; id?: string; schema?: object }
	| { type: 'numeric'; id?: string; tolerance?: number; relative?: boolean }
	| { type: 'judge'; id?: string; model: string; rubric: string; min?: number; max?: number; passScore?: number };

export type ScorerType = ScorerSpec['type'];

export interface CallUsage {
	promptTokens: number;
	completionTokens: number;
	estimated: boolean;
	costUsd?: number;
}

export interface ScoreResult {
	scorer: string;
	score: number;
	pass: boolean;
	detail?: string;
	judgeUsage?: CallUsage;
	error?: string;
}

export interface LogprobFigures {
	tokens: number;
	meanNll: number;
	perplexity: number;
}

export interface RecordedError {
	kind: string;
	message: string;
	status?: number;
}

export type FinishReason = 'stop' | 'length' | 'cancelled' | 'error' | 'unknown';

/** One (row, variant) result as stored in the run file. */
export interface RunRecord {
	type: 'result';
	row: number;
	variant: string;
	output: string;
	expected?: string;
	promptTokens: number;
	completionTokens: number;
	tokensEstimated: boolean;
	costUsd?: number;
	firstTokenMs?: number;
	latencyMs: number;
	finishReason: FinishReason;
	error?: RecordedError;
	attempts: number;
	scores: ScoreResult[];
	pass?: boolean;
	logprobs?: LogprobFigures;
	finishedAt: string;
}

export interface ScorerSummary {
	count: number;
	meanScore: number;
	passRate: number;
}

/** Aggregates of one variant over a run, as `summarizeRun` computes them. */
export interface VariantSummary {
	variant: string;
	label: string;
	model: string;
	calls: number;
	errors: number;
	judged: number;
	passed: number;
	passRate?: number;
	meanScore?: number;
	scorers: Record<string, ScorerSummary>;
	promptTokensPerCall?: number;
	completionTokensPerCall?: number;
	tokensEstimated: boolean;
	latencyP50Ms?: number;
	latencyP95Ms?: number;
	firstTokenP50Ms?: number;
	costUsd?: number;
	costPer1000CallsUsd?: number;
	judgeCostUsd?: number;
	judgePromptTokens: number;
	judgeCompletionTokens: number;
	meanPerplexity?: number;
}

/** Training inputs of the break-even, as a variants file stores them. */
export interface BreakEvenSettings {
	trainingTokens: number;
	epochs: number;
	trainingPerMillion?: number;
}

/** Total cost after `n` calls: `fixedUsd + n * perCallUsd`. */
export interface CostLine {
	fixedUsd: number;
	perCallUsd: number;
}

export interface BreakEven {
	fineTuned: CostLine;
	prompted: CostLine;
	trainingCostUsd: number;
	calls?: number;
}

/** A provider entry of a variants file; kept so that saving a loaded file does not drop it. */
export interface VariantsFileProvider {
	id: string;
	name: string;
	kind: 'openai' | 'ollama';
	baseUrl: string;
	apiKeyEnv?: string;
}

/** What the panel's form edits, and what a variants file stores. */
export interface ComparisonDraft {
	variants: Variant[];
	scorers: ScorerSpec[];
	/** Concurrent calls: one limit for every provider, or one per provider id. */
	concurrency?: number | Record<string, number>;
	breakEven?: BreakEvenSettings;
	/** Provider entries of the variants file this draft was loaded from. */
	providers?: VariantsFileProvider[];
}

/** A model the registry lists, for the variant and judge pickers. */
export interface ModelChoice {
	/** `<provider id>:<model name>`. */
	id: string;
	name: string;
	providerName: string;
	/** Known price; unset for servers the catalog does not describe. */
	price?: TokenPrice;
	/** True for `ft:` models. */
	fineTuned: boolean;
}

export interface DatasetView {
	/** Path relative to the workspace folder, for display. */
	label: string;
	uri: string;
	rows: number;
	/** Variables the rows provide, in first-seen order. */
	columns: string[];
	hasExpected: boolean;
	/** Rows left out because they are invalid, and the first problem. */
	invalidRows: number;
	firstProblem?: string;
}

/** A row of the run as the grid shows it. */
export interface RowView {
	index: number;
	/** 1-based line in the dataset; 0 for a single input. */
	line: number;
	/** The row's variables as `name: value` lines, cut to a preview length. */
	input: string;
	expected?: string;
}

export interface RunProgress {
	done: number;
	total: number;
	failed: number;
	costUsd: number;
}

export type RunViewStatus = 'running' | 'completed' | 'cancelled' | 'failed';

/** Text streamed so far for a call in flight. `reset` starts the text again, as when a call is retried. */
export interface OutputDelta {
	row: number;
	variant: string;
	text: string;
	reset?: boolean;
}

/** Everything the grid needs to show a run: live, finished, or opened from a file. */
export interface RunView {
	runId: string;
	/** Dataset file name, or "Single input". */
	label: string;
	/** Workspace-relative path of the run file. */
	runFile?: string;
	createdAt: string;
	variants: Variant[];
	scorers: ScorerSpec[];
	rows: RowView[];
	records: RunRecord[];
	/** Output of calls in flight. */
	partial: OutputDelta[];
	status: RunViewStatus;
	progress: RunProgress;
	summaries: VariantSummary[];
	warnings: string[];
	error?: string;
}

/** An unfinished run file of the same variants, scorers and dataset, which the user can finish. */
export interface ResumeOffer {
	runFile: string;
	runId: string;
	createdAt: string;
	done: number;
	total: number;
}

export interface BreakEvenView {
	/** Variant ids of the run shown: those with an `ft:` model, and the others. */
	fineTunedCandidates: string[];
	promptedCandidates: string[];
	/** Label of each candidate, by variant id. */
	labels: Record<string, string>;
	fineTuned?: string;
	prompted?: string;
	settings: BreakEvenSettings;
	/** The catalog's training price of the fine-tuned model's base, shown as the input's placeholder. */
	catalogTrainingPerMillion?: number;
	result?: BreakEven;
	/** Why no result can be computed, such as a missing price or no measured calls. */
	problem?: string;
}

export interface PanelNotice {
	severity: 'error' | 'warning' | 'info';
	message: string;
	actions: Array<{ label: string; command: string; args?: unknown[] }>;
}

export type HostToWebview =
	| {
			type: 'panel/init';
			models: ModelChoice[];
			modelErrors: string[];
			draft: ComparisonDraft;
			input: Record<string, string>;
			dataset?: DatasetView;
			run?: RunView;
			resume?: ResumeOffer;
			breakEven?: BreakEvenView;
			/** Workspace-relative path of the variants file the draft was last loaded from or saved to. */
			variantsFile?: string;
	  }
	| { type: 'models/update'; models: ModelChoice[]; modelErrors: string[] }
	| { type: 'draft/set'; draft: ComparisonDraft; variantsFile?: string }
	| { type: 'input/set'; input: Record<string, string> }
	| { type: 'dataset/set'; dataset?: DatasetView }
	| { type: 'fewShot/chosen'; variantId: string; file: string; available: number }
	| { type: 'run/show'; run: RunView }
	| { type: 'run/deltas'; runId: string; deltas: OutputDelta[] }
	| { type: 'run/records'; runId: string; records: RunRecord[]; progress: RunProgress; summaries: VariantSummary[] }
	| { type: 'run/finished'; runId: string; status: RunViewStatus; summaries: VariantSummary[]; error?: string }
	| { type: 'resume/offer'; offer?: ResumeOffer }
	| { type: 'breakEven/show'; view: BreakEvenView }
	| { type: 'notice/show'; notice: PanelNotice }
	| { type: 'notice/clear' };

export type WebviewToHost =
	| { type: 'webview/ready' }
	| { type: 'draft/changed'; draft: ComparisonDraft }
	| { type: 'input/changed'; input: Record<string, string> }
	| { type: 'draft/save' }
	| { type: 'draft/load' }
	| { type: 'fewShot/choose'; variantId: string }
	| { type: 'dataset/choose' }
	| { type: 'run/start'; mode: 'input' | 'dataset' }
	| { type: 'run/resume'; runFile: string }
	| { type: 'run/stop' }
	| { type: 'run/export'; format: 'csv' | 'html' }
	| { type: 'run/useVariants' }
	| { type: 'breakEven/compute'; fineTuned?: string; prompted?: string; settings: BreakEvenSettings }
	| { type: 'models/refresh' }
	| { type: 'command/run'; command: string; args?: unknown[] }
	| { type: 'clipboard/write'; text: string };
