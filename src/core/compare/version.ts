/** The LLM Lab version, stored in run files. Bundlers inline only this field of package.json. */

import { version } from '../../../package.json';

export const LLM_LAB_VERSION: string = version;
