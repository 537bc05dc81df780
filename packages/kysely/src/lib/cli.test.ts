import { describe, expect, it } from 'vitest';
import { schemaSql } from '../schema-sql.js';
import { runCli } from './cli.js';

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } });
  return { code, stdout, stderr };
}

describe('gatehouse-kysely sql', () => {
  it('prints the schemaSql DDL of the dialect, with the table prefix', () => {
    expect(run('sql', '--dialect', 'postgres')).toEqual({ code: 0, stdout: schemaSql('postgres'), stderr: '' });
    expect(run('sql', '--dialect=mysql', '--table-prefix', 'auth_')).toEqual({ code: 0, stdout: schemaSql('mysql', { tablePrefix: 'auth_' }), stderr: '' });
    expect(run('sql', '--table-prefix=app_', '--dialect', 'sqlite').stdout).toContain('create table "app_users"');
  });

  it('prints help with --help', () => {
    const { code, stdout } = run('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: gatehouse-kysely sql --dialect postgres|mysql|sqlite');
  });

  it.each([
    [[], /expected the command "sql"/],
    [['schema', '--dialect', 'sqlite'], /expected the command "sql", got "schema"/],
    [['sql'], /--dialect must be one of sqlite, postgres, mysql/],
    [['sql', '--dialect', 'oracle'], /--dialect must be one of/],
    [['sql', '--dialect', 'sqlite', '--table-prefix', 'Bad-Prefix'], /tablePrefix must be 1 to 32 lower-case letters/],
    [['sql', '--dialect', 'sqlite', '--verbose'], /Unknown option '--verbose'/],
  ])('exits with 2 and says why for %j', (args, message) => {
    const { code, stdout, stderr } = run(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });
});
