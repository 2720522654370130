/**
 * YAML read so that no number loses a digit. A plain YAML number (`0.0004`, `100000`, `1e-7`) is
 * a JavaScript number when that number is exactly what its text says, as the shortest decimal that
 * reads back to the same double (every figure of up to 15 significant digits, and most longer
 * ones). Otherwise (`0.10000000000000000001`, `12345678901234567890`), where a double would round
 * it, the value is its source text: a decimal field (`decimalInput`, the risk limits) takes that
 * text whole, and a field that wants a number refuses it rather than read a rounded one.
 *
 * It is done by the `yaml` package's own tag resolution: the core schema's integer and float tags
 * are wrapped so that each sees its scalar's source text. Hexadecimal and octal integers, `.inf`
 * and `.nan` are left as the schema reads them.
 */
import { isScalar, parse, type ScalarTag, type Tags } from 'yaml';
import { decimalOfNumber, parseDecimal } from '../model/money.js';

const NUMBER_TAGS: ReadonlySet<string> = new Set(['tag:yaml.org,2002:int', 'tag:yaml.org,2002:float']);

/** Parses YAML text (one document) as `yaml`'s `parse` does, numbers kept exact as above. Throws `yaml`'s errors. */
export function parseExactYaml(text: string): unknown {
  return parse(text, { customTags: exactNumbers });
}

/**
 * True when `value` is read exactly from `source`: the shortest form of the double and the text
 * are the same decimal. Text too far out of range to compare (beyond 36 decimals) counts as exact,
 * so it is read as the schema reads it.
 */
export function readsExactly(source: string, value: number): boolean {
  if (!Number.isFinite(value)) return true;
  try {
    const written = parseDecimal(source);
    const read = decimalOfNumber(value);
    return written.units === read.units && written.scale === read.scale;
  } catch {
    return true;
  }
}

function exactNumbers(tags: Tags): Tags {
  return tags.map((tag) => (typeof tag === 'object' && NUMBER_TAGS.has(tag.tag) && tag.format !== 'HEX' && tag.format !== 'OCT' && 'test' in tag ? keepingSource(tag as ScalarTag) : tag));
}

function keepingSource(tag: ScalarTag): ScalarTag {
  return {
    ...tag,
    resolve(source, onError, options) {
      const resolved = tag.resolve(source, onError, options);
      const value = isScalar(resolved) ? resolved.value : resolved;
      return typeof value !== 'number' || readsExactly(source, value) ? resolved : source;
    },
  };
}
