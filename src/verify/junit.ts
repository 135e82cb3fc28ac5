// A verify report as JUnit XML, the format CI systems (Jenkins, GitLab, GitHub test
// reporters) read: <testsuites> with one <testsuite> per suite and one <testcase> per check.
// Written by hand: the format is small, and every piece of text goes through xmlText/xmlAttr.
import type { CheckResult, SuiteResult, VerifyReport } from "./run.js";

// Characters XML 1.0 cannot carry at all (even escaped): controls other than \t \n \r,
// lone surrogates, U+FFFE/U+FFFF. They are replaced, so any FRR or kernel text is safe.
const INVALID_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlText(s: string): string {
  return s.replace(INVALID_XML, "\ufffd").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values: also quotes, and newlines/tabs as character references (attribute
 * value normalisation would otherwise turn them into spaces). */
export function xmlAttr(s: string | number): string {
  return xmlText(String(s))
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function testcase(lab: string, suite: SuiteResult, c: CheckResult): string {
  const attrs = [
    `name="${xmlAttr(c.name)}"`,
    `classname="${xmlAttr(`${lab}.${suite.name}`)}"`,
    `time="${secs(c.ms)}"`,
    ...(c.file ? [`file="${xmlAttr(c.file)}"`] : []),
    ...(c.line ? [`line="${c.line}"`] : []),
  ].join(" ");
  const detail = `expected: ${c.expected}\nseen: ${c.seen}\n(${c.attempts} looks in ${secs(c.ms)} s, timeout ${secs(c.timeoutMs)} s)`;
  let body: string;
  if (suite.skipped) body = `\n      <skipped message="${xmlAttr(c.seen)}"/>\n    `;
  else if (!c.pass) {
    body = `\n      <failure type="${xmlAttr(c.type)}" message="${xmlAttr(`expected ${c.expected}; seen ${c.seen}`)}">${xmlText(detail)}</failure>\n    `;
  } else body = `\n      <system-out>${xmlText(`${c.seen} (passed after ${secs(c.ms)} s)`)}</system-out>\n    `;
  return `    <testcase ${attrs}>${body}</testcase>`;
}

export function toJUnit(report: VerifyReport): string {
  const all = report.suites.flatMap((s) => s.checks.map((c) => ({ s, c })));
  const failures = all.filter(({ s, c }) => !s.skipped && !c.pass).length;
  const skipped = all.filter(({ s }) => s.skipped).length;
  const suites = report.suites.map((s) => {
    const f = s.skipped ? 0 : s.checks.filter((c) => !c.pass).length;
    const head = `  <testsuite name="${xmlAttr(`${report.lab}: ${s.name}`)}" tests="${s.checks.length}" failures="${f}" errors="0" skipped="${s.skipped ? s.checks.length : 0}" time="${secs(s.ms)}" timestamp="${xmlAttr(report.startedAt.replace(/\.\d+Z$/, ""))}">`;
    return [head, ...s.checks.map((c) => testcase(report.lab, s, c)), "  </testsuite>"].join("\n");
  });
  const name = `wirelab verify ${report.lab}${report.scenario ? ` --scenario ${report.scenario}` : ""}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(name)}" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${secs(report.ms)}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
