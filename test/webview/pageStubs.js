// Runs in the test page before any of its scripts. It installs a stand-in for the API that VS Code injects
// into webviews, records posted messages, CSP violations and errors, and sets Dark Modern theme colours.
// It is plain JavaScript because tsx would add helper calls that do not exist in the page.
(() => {
	const theme = {
		'--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif',
		'--vscode-font-size': '13px',
		'--vscode-font-weight': 'normal',
		'--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
		'--vscode-editor-font-size': '12px',
		'--vscode-foreground': '#cccccc',
		'--vscode-descriptionForeground': '#9d9d9d',
		'--vscode-errorForeground': '#f85149',
		'--vscode-editorWarning-foreground': '#cca700',
		'--vscode-focusBorder': '#0078d4',
		'--vscode-sideBar-background': '#181818',
		'--vscode-editor-background': '#1f1f1f',
		'--vscode-panel-border': '#2b2b2b',
		'--vscode-button-background': '#0078d4',
		'--vscode-button-foreground': '#ffffff',
		'--vscode-button-hoverBackground': '#026ec1',
		'--vscode-button-border': '#ffffff12',
		'--vscode-button-secondaryBackground': '#313131',
		'--vscode-button-secondaryForeground': '#cccccc',
		'--vscode-button-secondaryHoverBackground': '#3c3c3c',
		'--vscode-input-background': '#313131',
		'--vscode-input-foreground': '#cccccc',
		'--vscode-input-border': '#3c3c3c',
		'--vscode-input-placeholderForeground': '#989898',
		'--vscode-textLink-foreground': '#4daafc',
		'--vscode-textLink-activeForeground': '#4daafc',
		'--vscode-textCodeBlock-background': '#2b2b2b',
		'--vscode-textBlockQuote-background': '#2b2b2b',
		'--vscode-textBlockQuote-border': '#616161',
		'--vscode-inputValidation-infoBackground': '#063b49',
		'--vscode-inputValidation-infoBorder': '#007acc',
		'--vscode-inputValidation-warningBackground': '#352a05',
		'--vscode-inputValidation-warningBorder': '#b89500',
		'--vscode-inputValidation-errorBackground': '#5a1d1d',
		'--vscode-inputValidation-errorBorder': '#be1100',
		'--vscode-charts-purple': '#b180d7',
		'--vscode-charts-blue': '#3794ff',
		'--vscode-charts-green': '#89d185',
		'--vscode-charts-yellow': '#cca700',
	};
	const record = { posted: [], violations: [], errors: [] };
	window.chatTestRecord = record;

	let acquired = false;
	window.acquireVsCodeApi = () => {
		if (acquired) {
			throw new Error('acquireVsCodeApi was called twice, but VS Code allows one call per page.');
		}
		acquired = true;
		return {
			postMessage: (message) => record.posted.push(structuredClone(message)),
			// sessionStorage outlives a reload, like the state VS Code keeps for a hidden webview.
			getState: () => {
				const json = sessionStorage.getItem('chat-test-state');
				return json ? JSON.parse(json) : undefined;
			},
			setState: (state) => {
				sessionStorage.setItem('chat-test-state', JSON.stringify(state));
				return state;
			},
		};
	};

	document.addEventListener('securitypolicyviolation', (event) => {
		record.violations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
	});
	window.addEventListener('error', (event) => record.errors.push(String(event.message)));
	document.addEventListener('DOMContentLoaded', () => {
		for (const [name, value] of Object.entries(theme)) {
			document.documentElement.style.setProperty(name, value);
		}
		document.body.classList.add('vscode-dark');
	});
})();
