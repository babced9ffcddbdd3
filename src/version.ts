import { readFileSync } from 'node:fs';

/** The package version, recorded in every run's S00 record. */
export const RECKON_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
