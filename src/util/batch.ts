// The one check for every value that goes onto an `ip -batch` line. iproute2's batch parser
// splits on whitespace, treats `#` as the start of a comment, and unquotes `"`, `'` and
// backslash escapes: a port name `leak#` once cut `netns …` off a veth line and left the
// peer in the host's namespace. Values are checked, never escaped: anything outside the
// token set is an error here, and callers send such values through argv instead.

/**
 * Letters, digits and `_ . : / % -`: interface and namespace names, IPv4/IPv6 addresses and
 * prefixes (`::1`, `10.0.0.1/31`, `fe80::1%eth0`), numbers. No whitespace, `#`, quotes,
 * backslash, control or non-ASCII characters; no leading `-` (ip would read an option).
 */
const TOKEN = /^[A-Za-z0-9_.:/%][A-Za-z0-9_.:/%-]*$/;
/** Longer than anything ip takes here (an interface name is 15 bytes, an address < 50). */
const MAX_TOKEN = 255;

export class BatchTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BatchTokenError";
  }
}

/** `value` unchanged when it is one safe ip-batch token; otherwise a BatchTokenError naming `what`. */
export function batchToken(value: string, what: string): string {
  if (value.length <= MAX_TOKEN && TOKEN.test(value)) return value;
  const why =
    value === ""
      ? "it is empty"
      : value.length > MAX_TOKEN
        ? `it is longer than ${MAX_TOKEN} characters`
        : value.startsWith("-")
          ? "it starts with '-'"
          : "only letters, digits and _ . : / % - are allowed";
  throw new BatchTokenError(`${what} ${JSON.stringify(value)} cannot go on an ip -batch line: ${why}`);
}
