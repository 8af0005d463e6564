import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { ModelRegistry } from '../models';
import type { TokenCounter } from '../tokenCounter';
import { CompareTokenizers } from './compareTokenizers';
import type { TokenizerComparison } from './compareHtml';
import { InlineTokenCounts } from './inlineCounts';
import { TokenReport, type ReportItemSnapshot } from './tokenReport';
import { TokenView, type TokenViewState } from './tokenView';

/** Read-only views of the token features' output, for other extensions and the extension-host tests. */
export interface TokenFeaturesApi {
	tokenView: {
		isEnabled(): boolean;
		/** The decorated ranges and tokens of the active editor, or undefined while the view is off or drawing. */
		state(): TokenViewState | undefined;
	};
	compareTokenizers: {
		/** The comparison the panel shows and its HTML, or undefined before the first run. */
		last(): { comparison: TokenizerComparison; html: string } | undefined;
	};
	tokenReport: {
		/** Lists and counts the workspace again; resolves when counting has finished. */
		refresh(): Promise<void>;
		/** Resolves when no counting is going on or waiting for file events. */
		idle(): Promise<void>;
		/** The Tokens view's rows, fully expanded. */
		snapshot(): ReportItemSnapshot[];
		/** Files counted since activation. */
		countedFileCount(): number;
	};
}

export interface TokenFeatureServices {
	registry: ModelRegistry;
	counter: TokenCounter;
	logger: Logger;
}

/**
 * Registers the features that show tokens: the token view, inline counts, Compare Tokenizers and the Tokens view.
 * Each one takes its tokenizer from the selected model's profile.
 */
export function registerTokenFeatures(context: vscode.ExtensionContext, services: TokenFeatureServices): TokenFeaturesApi {
	const { registry, counter, logger } = services;

	const tokenView = new TokenView(registry, counter, logger);
	context.subscriptions.push(
		tokenView,
		vscode.commands.registerCommand('llmLab.toggleTokenView', () => tokenView.setEnabled(!tokenView.isEnabled())),
		vscode.commands.registerCommand('llmLab.hideTokenView', () => tokenView.setEnabled(false)),
	);

	const inlineCounts = new InlineTokenCounts(registry, counter, logger);
	context.subscriptions.push(inlineCounts);

	const compare = new CompareTokenizers(registry, counter, logger);
	context.subscriptions.push(compare);

	const report = new TokenReport(registry, counter, logger);
	context.subscriptions.push(report);

	return {
		tokenView: { isEnabled: () => tokenView.isEnabled(), state: () => tokenView.currentState() },
		compareTokenizers: { last: () => compare.lastComparison() },
		tokenReport: {
			refresh: () => report.refresh(),
			idle: () => report.idle(),
			snapshot: () => report.snapshot(),
			countedFileCount: () => report.countedFileCount(),
		},
	};
}
