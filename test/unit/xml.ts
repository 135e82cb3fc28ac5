// A strict reader for the small XML subset JUnit reports use, shared by the unit and
// integration tests (no XML parser is among the dependencies). Not a test file itself.
import assert from "node:assert/strict";

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string, where: string): string {
  return s.replace(/&([^;]*);/g, (_, e: string) => {
    if (e.startsWith("#")) {
      const code = e[1] === "x" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      assert.ok(Number.isInteger(code) && code > 0, `bad character reference &${e}; in ${where}`);
      return String.fromCodePoint(code);
    }
    const v = ENTITIES[e];
    assert.ok(v !== undefined, `unknown entity &${e}; in ${where}`);
    return v;
  });
}

/**
 * A strict reader for the XML subset JUnit uses: declaration, elements, attributes, text.
 * Refuses unbalanced tags, raw `<` or `&` in text, unquoted or duplicate attributes, and
 * characters XML 1.0 forbids.
 */
export function parseXml(xml: string): XmlElement {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for forbidden characters
  assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml), "no characters XML forbids");
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  assert.ok(decl, "XML declaration first");
  i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (xml.startsWith("</", i)) {
      const m = /^<\/([A-Za-z][\w-]*)\s*>/.exec(xml.slice(i));
      assert.ok(m, `malformed end tag at ${i}`);
      const open = stack.pop();
      assert.equal(open?.name, m[1], `end tag </${m[1]}> closes <${open?.name}>`);
      i += m[0].length;
      continue;
    }
    if (xml[i] === "<") {
      const m = /^<([A-Za-z][\w-]*)((?:\s+[A-Za-z][\w-]*="[^"<]*")*)\s*(\/?)>/.exec(xml.slice(i));
      assert.ok(m, `malformed start tag at ${i}: ${xml.slice(i, i + 60)}`);
      const el: XmlElement = { name: m[1] as string, attrs: {}, children: [], text: "" };
      for (const a of (m[2] ?? "").matchAll(/([A-Za-z][\w-]*)="([^"]*)"/g)) {
        const key = a[1] as string;
        assert.ok(!(key in el.attrs), `duplicate attribute ${key} on <${el.name}>`);
        el.attrs[key] = decode(a[2] as string, `<${el.name} ${key}>`);
      }
      if (stack.length) stack[stack.length - 1]?.children.push(el);
      else {
        assert.equal(root, undefined, "one root element");
        root = el;
      }
      if (!m[3]) stack.push(el);
      i += m[0].length;
      continue;
    }
    const end = xml.indexOf("<", i);
    const raw = xml.slice(i, end < 0 ? xml.length : end);
    assert.ok(!/&(?![a-z]+;|#\d+;|#x[\da-f]+;)/i.test(raw), `raw & in text: ${raw}`);
    assert.ok(!raw.includes(">") || !raw.includes("]]>"), "no ]]> in text");
    const top = stack[stack.length - 1];
    if (top) top.text += decode(raw, `<${top.name}> text`);
    else assert.equal(raw.trim(), "", "no text outside the root element");
    i += raw.length;
  }
  assert.equal(stack.length, 0, `unclosed: ${stack.map((e) => e.name).join(", ")}`);
  assert.ok(root, "a root element");
  return root;
}
