// The JUnit XML of a verify report parses back (with the strict little reader in xml.ts) to
// the same suites, cases, failures and text, whatever characters FRR or the kernel said.
import assert from "node:assert/strict";
import { test } from "node:test";
import { toJUnit, xmlAttr, xmlText } from "../../src/verify/junit.js";
import type { VerifyReport } from "../../src/verify/run.js";
import { parseXml, type XmlElement } from "./xml.js";

const NASTY = `AS path "65002 <65003>" & 'more'\n\ttab\u0001bell\u001b[0m ünïcödé 🙂 \ud800`;

const report: VerifyReport = {
  lab: "v3j",
  scenario: "cut-<r1>-r2",
  pass: false,
  ms: 3210,
  startedAt: "2026-01-02T03:04:05.678Z",
  faults: [],
  suites: [
    {
      name: "baseline",
      pass: true,
      ms: 120,
      checks: [
        {
          name: "r1 pings r2",
          type: "ping",
          pass: true,
          ms: 120,
          timeoutMs: 30000,
          attempts: 1,
          expected: "a reply from 10.0.0.2",
          seen: "reply in 0.05 ms (ttl 64)",
          file: "examples/square & co.yml",
          line: 49,
        },
      ],
    },
    {
      name: "cut-<r1>-r2",
      pass: false,
      ms: 3000,
      checks: [
        {
          name: `route with ${NASTY}`,
          type: "bgp-route",
          pass: false,
          ms: 3000,
          timeoutMs: 3000,
          attempts: 15,
          expected: "a best path with AS path 65004 65003 65002",
          seen: NASTY,
        },
      ],
    },
    {
      name: "cut-<r1>-r2 restored",
      pass: false,
      ms: 0,
      skipped: true,
      checks: [
        {
          name: "r1 pings r2",
          type: "ping",
          pass: false,
          ms: 0,
          timeoutMs: 30000,
          attempts: 0,
          expected: "",
          seen: "not run",
        },
      ],
    },
  ],
};

test("JUnit XML parses back to the report's suites and cases", () => {
  const root = parseXml(toJUnit(report));
  assert.equal(root.name, "testsuites");
  assert.deepEqual(
    { ...root.attrs },
    {
      name: "wirelab verify v3j --scenario cut-<r1>-r2",
      tests: "3",
      failures: "1",
      errors: "0",
      skipped: "1",
      time: "3.210",
    },
  );
  assert.deepEqual(
    root.children.map((s) => [s.name, s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.skipped]),
    [
      ["testsuite", "v3j: baseline", "1", "0", "0"],
      ["testsuite", "v3j: cut-<r1>-r2", "1", "1", "0"],
      ["testsuite", "v3j: cut-<r1>-r2 restored", "1", "0", "1"],
    ],
  );
  const [ok, failed, skipped] = root.children.map((s) => s.children[0]) as XmlElement[];
  assert.equal(ok?.name, "testcase");
  assert.equal(ok?.attrs.file, "examples/square & co.yml");
  assert.equal(ok?.attrs.line, "49");
  assert.equal(ok?.attrs.time, "0.120");
  assert.equal(ok?.children[0]?.name, "system-out");

  // The failure keeps the text, with newlines and tabs, minus what XML cannot carry.
  const clean = NASTY.replace("\u0001", "\ufffd").replace("\u001b", "\ufffd").replace("\ud800", "\ufffd");
  assert.equal(failed?.attrs.name, `route with ${clean}`);
  const failure = failed?.children[0];
  assert.equal(failure?.name, "failure");
  assert.equal(failure?.attrs.type, "bgp-route");
  assert.equal(failure?.attrs.message, `expected a best path with AS path 65004 65003 65002; seen ${clean}`);
  assert.match(
    failure?.text ?? "",
    /^expected: a best path with AS path 65004 65003 65002\nseen: AS path "65002 <65003>"/,
  );
  assert.equal(skipped?.children[0]?.name, "skipped");
});

test("escapers leave nothing XML would misread", () => {
  assert.equal(xmlText("a < b & c > d"), "a &lt; b &amp; c &gt; d");
  assert.equal(xmlAttr(`"x"\n'y'\t`), "&quot;x&quot;&#10;&apos;y&apos;&#9;");
  assert.equal(xmlText("\u0000"), "\ufffd");
  assert.equal(xmlText("🙂"), "🙂", "a surrogate pair is one valid character");
});
