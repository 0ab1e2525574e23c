/**
 * JUnit reports as their consumers see them: validated against the Jenkins JUnit XSD with
 * xmllint (Debian libxml2-utils; CI installs it), and parsed by test-results-parser, the parser
 * behind testbeats' CI summaries, which (like Jenkins and GitLab) reads only a test case's first
 * <failure>.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type ITestResult } from 'test-results-parser';
import { ROOT } from './cli.js';

export const JENKINS_XSD = join(ROOT, 'test', 'fixtures', 'junit', 'jenkins-junit.xsd');
export const XMLLINT = ['/usr/bin/xmllint', '/usr/local/bin/xmllint'].find((p) => existsSync(p));

/** xmllint's verdict on a file: ok, and what it said (the failing line and element when not). */
export function validateFile(path: string): { ok: boolean; output: string } {
  if (!XMLLINT) throw new Error('xmllint not found');
  const r = spawnSync(XMLLINT, ['--noout', '--schema', JENKINS_XSD, path], { encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function withFile<T>(xml: string, use: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'payrecon-junit-'));
  try {
    const path = join(dir, 'report.xml');
    writeFileSync(path, xml);
    return use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const validateXml = (xml: string) => withFile(xml, validateFile);

/** What test-results-parser makes of a JUnit file. */
export const consume = (path: string): ITestResult => parse({ type: 'junit', files: [path] });
export const consumeXml = (xml: string) => withFile(xml, consume);
