import { describe, expect, it } from 'vitest';
import { ReckonError } from '../domain/errors.js';
import { isPostgresUrl, parsePgJournalUrl } from './postgres-url.js';
import { parseJournalSpec } from './open-any.js';

const usage = (spec: string): string => {
  try {
    parsePgJournalUrl(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(ReckonError);
    expect((err as ReckonError).code).toBe('USAGE');
    return (err as ReckonError).message;
  }
  throw new Error(`${spec} was accepted`);
};

describe('PostgreSQL journal addresses', () => {
  it('Given a URL with journal and schema, When parsed, Then the client URL drops them and the label drops the password', () => {
    const a = parsePgJournalUrl('postgres://alice:s3cret@db.local:5433/trading?journal=desk-1&schema=prod&sslmode=require');
    expect(a).toEqual({
      connectUrl: 'postgres://alice:s3cret@db.local:5433/trading?sslmode=require',
      journal: 'desk-1', schema: 'prod',
      label: 'postgres://alice@db.local:5433/trading?sslmode=require&journal=desk-1&schema=prod',
    });
    expect(parsePgJournalUrl('postgresql://u@h/db?journal=j').schema).toBe('reckon');
    expect(isPostgresUrl('POSTGRES://u@h/db?journal=j')).toBe(true);
    expect(isPostgresUrl('out/run/journal.db')).toBe(false);
  });

  it('Given a bad address, When parsed, Then a usage error says what is wrong and never shows the password', () => {
    expect(usage('postgres://u:pw@h/db')).toMatch(/needs \?journal=NAME/);
    expect(usage('postgres://u:pw@h/db')).not.toContain('pw');
    expect(usage('postgres://u@h/db?journal=a.b')).toMatch(/journal name 'a.b' must be/);
    expect(usage('postgres://u@h/db?journal=a&schema=Bad-Name')).toMatch(/schema 'Bad-Name'/);
    expect(usage('postgres://u@h?journal=a')).toMatch(/names no database/);
  });

  it('Given a file path, Then its bus name is the file name reduced to subject-token characters', () => {
    expect(parseJournalSpec('out/run/journal.db')).toMatchObject({ kind: 'sqlite', name: 'journal', path: 'out/run/journal.db' });
    expect(parseJournalSpec('/x/my desk.v2.db').name).toBe('my_desk_v2');
  });
});
