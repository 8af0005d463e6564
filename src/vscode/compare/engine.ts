/**
 * Entry of `out/compare-engine.js`: the parts of the comparison engine that bring large libraries (the token
 * encodings for estimated counts, Ajv, the CSV parser, the word differ). The extension loads it with
 * `loadCompareEngine` when a comparison is first run, loaded or exported, so activation does not parse them.
 */

export { loadDataset } from '../../core/compare/dataset';
export { pickFewShotExamples } from '../../core/compare/fewShot';
export { readChatJsonl } from '../../core/compare/finetune';
export { runComparison } from '../../core/compare/run';
export { loadFewShot, parseVariantsFile } from '../../core/compare/variantsFile';
export { runToCsv } from './csv';
export { renderRunReport } from './report';
