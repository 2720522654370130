/**
 * JSON safe to put inside an HTML `<script type="application/json">` element, read back with
 * `JSON.parse(element.textContent)`.
 *
 * The HTML parser ends a script element at the first `</script` and treats `<!--` specially
 * inside one, whatever the JSON means, so text from outside (a symbol, an order's reason, a file
 * name) could close the element and inject markup. Every `<`, `>` and `&` is therefore written as
 * its JSON escape (`\u003c`, `\u003e`, `\u0026`), which `JSON.parse` turns back into the same
 * character: no markup can appear, and the parsed value is unchanged. U+2028 and U+2029 are
 * escaped too, so the text is also a valid JavaScript literal.
 */

const UNSAFE = /[<>&\u2028\u2029]/g;

function escapeOne(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `JSON.stringify(value)` with `<`, `>`, `&`, U+2028 and U+2029 escaped (see the module comment). */
export function jsonForScript(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('jsonForScript: value has no JSON form');
  return text.replace(UNSAFE, escapeOne);
}
