/** The line prefix a bench worker prints before its JSON result (parsed by main.ts). */
export const RESULT_PREFIX = 'RESULT ';
