import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decimalOfNumber,
  decimalsOf,
  divHalfEven,
  divRound,
  divToScale,
  formatUnits,
  mulUnits,
  parseDecimal,
  productUnits,
  rescale,
  toUnits,
  unitsToNumber,
} from '../../src/model/money.js';
import { isTickflowError } from '../../src/runtime/errors.js';

function throwsCode(fn: () => unknown, code: 'MONEY_INVALID'): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isTickflowError(caught, code), String(caught)).toBe(true);
}

describe('grid counts as numbers', () => {
  const count = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -(2 ** 53 - 1), max: 2 ** 53 - 1 }));

  it('multiplies two counts exactly, below 2^53 and past it (property)', () => {
    fc.assert(
      fc.property(count, count, (a, b) => {
        expect(productUnits(a, b)).toBe(BigInt(a) * BigInt(b));
      }),
      { numRuns: 2_000 },
    );
    expect(productUnits(94_906_267, 94_906_267)).toBe(94_906_267n * 94_906_267n); // 2^53 + 1: the double product rounds
  });

  it('formats and converts a count as it does the same bigint (property)', () => {
    fc.assert(
      fc.property(count, fc.integer({ min: 0, max: 18 }), fc.boolean(), (units, scale, trim) => {
        expect(formatUnits(units, scale, trim)).toBe(formatUnits(BigInt(units), scale, trim));
        expect(unitsToNumber(units, scale)).toBe(unitsToNumber(BigInt(units), scale));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('parseDecimal', () => {
  it('reads decimals exactly with the minimal scale', () => {
    expect(parseDecimal('123.45')).toEqual({ units: 12345n, scale: 2 });
    expect(parseDecimal('1.50')).toEqual({ units: 15n, scale: 1 });
    expect(parseDecimal('-0.001')).toEqual({ units: -1n, scale: 3 });
    expect(parseDecimal('+7')).toEqual({ units: 7n, scale: 0 });
    expect(parseDecimal('.5')).toEqual({ units: 5n, scale: 1 });
    expect(parseDecimal('5.')).toEqual({ units: 5n, scale: 0 });
    expect(parseDecimal('100')).toEqual({ units: 100n, scale: 0 });
    expect(parseDecimal('0.000')).toEqual({ units: 0n, scale: 0 });
  });

  it('reads exponent notation as JavaScript prints it', () => {
    expect(parseDecimal('1e-7')).toEqual({ units: 1n, scale: 7 });
    expect(parseDecimal('1.5e-7')).toEqual({ units: 15n, scale: 8 });
    expect(parseDecimal('1.5e3')).toEqual({ units: 1500n, scale: 0 });
    expect(parseDecimal('2.5E+2')).toEqual({ units: 250n, scale: 0 });
  });

  it('refuses what is not a decimal with MONEY_INVALID', () => {
    for (const bad of ['', '.', '-', 'abc', '1.2.3', '--1', '1e', '0x10', 'NaN', '1,5']) {
      throwsCode(() => parseDecimal(bad), 'MONEY_INVALID');
    }
  });
});

describe('formatUnits', () => {
  it('writes exactly scale decimals', () => {
    expect(formatUnits(12345n, 2)).toBe('123.45');
    expect(formatUnits(-5n, 3)).toBe('-0.005');
    expect(formatUnits(0n, 2)).toBe('0.00');
    expect(formatUnits(7n, 0)).toBe('7');
    expect(formatUnits(-1200n, 2)).toBe('-12.00');
  });

  it('trims trailing fractional zeros when asked', () => {
    expect(formatUnits(1200n, 2, true)).toBe('12');
    expect(formatUnits(1250n, 3, true)).toBe('1.25');
    expect(formatUnits(-10n, 4, true)).toBe('-0.001');
  });

  it('round-trips with parseDecimal for any units and scale', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 18 }), (units, scale) => {
        const text = formatUnits(units, scale);
        expect(toUnits(text, scale)).toBe(units);
        expect(formatUnits(toUnits(text, scale), scale)).toBe(text);
      }),
    );
  });
});

describe('divHalfEven', () => {
  it('rounds ties to the even neighbour, for both signs', () => {
    expect(divHalfEven(25n, 10n)).toBe(2n); // 2.5 -> 2
    expect(divHalfEven(35n, 10n)).toBe(4n); // 3.5 -> 4
    expect(divHalfEven(-25n, 10n)).toBe(-2n); // -2.5 -> -2
    expect(divHalfEven(-35n, 10n)).toBe(-4n); // -3.5 -> -4
    expect(divHalfEven(25n, -10n)).toBe(-2n);
    expect(divHalfEven(-35n, -10n)).toBe(4n);
    expect(divHalfEven(5n, 10n)).toBe(0n); // 0.5 -> 0
    expect(divHalfEven(15n, 10n)).toBe(2n); // 1.5 -> 2
  });

  it('rounds non-ties to the nearest', () => {
    expect(divHalfEven(26n, 10n)).toBe(3n);
    expect(divHalfEven(24n, 10n)).toBe(2n);
    expect(divHalfEven(-26n, 10n)).toBe(-3n);
    expect(divHalfEven(-24n, 10n)).toBe(-2n);
    expect(divHalfEven(20n, 10n)).toBe(2n);
  });

  it('agrees with a reference definition: nearest, ties to even', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }),
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).filter((d) => d !== 0n),
        (n, d) => {
          const q = divHalfEven(n, d);
          const err = n - q * d; // must be within half of |d|
          const absD = d < 0n ? -d : d;
          const twiceErr = (err < 0n ? -err : err) * 2n;
          expect(twiceErr <= absD).toBe(true);
          if (twiceErr === absD) expect(q % 2n).toBe(0n);
        },
      ),
    );
  });

  it('throws MONEY_INVALID on a zero divisor', () => {
    throwsCode(() => divHalfEven(1n, 0n), 'MONEY_INVALID');
  });
});

describe('divRound', () => {
  it('floors and ceils towards the infinities', () => {
    expect(divRound(7n, 2n, 'floor')).toBe(3n);
    expect(divRound(-7n, 2n, 'floor')).toBe(-4n);
    expect(divRound(7n, 2n, 'ceil')).toBe(4n);
    expect(divRound(-7n, 2n, 'ceil')).toBe(-3n);
    expect(divRound(7n, 2n, 'down')).toBe(3n);
    expect(divRound(-7n, 2n, 'down')).toBe(-3n);
    expect(divRound(8n, 2n, 'strict')).toBe(4n);
    throwsCode(() => divRound(7n, 2n, 'strict'), 'MONEY_INVALID');
  });
});

describe('rescale and toUnits', () => {
  it('rounds 2.5 to 2, 3.5 to 4, -2.5 to -2 and -3.5 to -4 at scale 0', () => {
    expect(toUnits('2.5', 0, 'halfEven')).toBe(2n);
    expect(toUnits('3.5', 0, 'halfEven')).toBe(4n);
    expect(toUnits('-2.5', 0, 'halfEven')).toBe(-2n);
    expect(toUnits('-3.5', 0, 'halfEven')).toBe(-4n);
    expect(rescale(12345n, 3, 2)).toBe(1234n); // 12.345 -> 12.34
    expect(rescale(12355n, 3, 2)).toBe(1236n); // 12.355 -> 12.36
    expect(rescale(12n, 1, 3)).toBe(1200n);
  });

  it('refuses extra decimals in strict mode and rounds otherwise', () => {
    throwsCode(() => toUnits('1.005', 2), 'MONEY_INVALID');
    throwsCode(() => toUnits(1.005, 2), 'MONEY_INVALID');
    expect(toUnits('1.005', 2, 'halfEven')).toBe(100n);
    expect(toUnits(1.005, 2, 'halfEven')).toBe(100n); // the decimal 1.005, not the double below it
    expect(toUnits('1.015', 2, 'halfEven')).toBe(102n);
    expect(toUnits(0.1, 8)).toBe(10000000n);
    expect(toUnits(42000.5, 2)).toBe(4200050n);
  });

  it('multiplies exactly and brings products to a scale half-even', () => {
    // 0.1 at 42000.55 = 4200.055 exactly; at two decimals the tie goes to the even 4200.06.
    expect(mulUnits(4200055n, 2, 1n, 1, 3)).toBe(4200055n);
    expect(mulUnits(4200055n, 2, 1n, 1, 2)).toBe(420006n);
    expect(mulUnits(4200045n, 2, 1n, 1, 2)).toBe(420004n); // 4200.045 -> 4200.04
    expect(divToScale(1001n, 2, 2n, 0, 2)).toBe(500n); // 10.01 / 2 = 5.005 -> 5.00
    expect(divToScale(1003n, 2, 2000n, 3, 2)).toBe(502n); // 10.03 / 2.000 = 5.015 -> 5.02
  });
});

describe('decimalOfNumber', () => {
  it('finds the shortest decimal of market numbers', () => {
    expect(decimalOfNumber(0.1)).toEqual({ units: 1n, scale: 1 });
    expect(decimalOfNumber(42000.01)).toEqual({ units: 4200001n, scale: 2 });
    expect(decimalOfNumber(-0.00012)).toEqual({ units: -12n, scale: 5 });
    expect(decimalOfNumber(1e-7)).toEqual({ units: 1n, scale: 7 });
    expect(decimalOfNumber(0.1 + 0.2)).toEqual({ units: 30000000000000004n, scale: 17 });
    expect(decimalOfNumber(1e21)).toEqual({ units: 10n ** 21n, scale: 0 });
    expect(decimalOfNumber(123456789012.125)).toEqual({ units: 123456789012125n, scale: 3 });
    expect(decimalsOf(100)).toBe(0);
    expect(decimalsOf(0.25)).toBe(2);
    throwsCode(() => decimalOfNumber(Number.NaN), 'MONEY_INVALID');
    throwsCode(() => decimalOfNumber(Number.POSITIVE_INFINITY), 'MONEY_INVALID');
    throwsCode(() => decimalOfNumber(5e-324), 'MONEY_INVALID'); // beyond any money scale
  });

  it('equals the parse of String(x) for any double of market magnitude (fast path checked against the slow one)', () => {
    const marketDouble = fc
      .double({ min: -1e20, max: 1e20, noNaN: true })
      .filter((x) => x === 0 || Math.abs(x) >= 1e-18);
    fc.assert(
      fc.property(marketDouble, (x) => {
        const d = decimalOfNumber(x);
        expect(d).toEqual(parseDecimal(String(x)));
        expect(decimalsOf(x)).toBe(d.scale);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips decimals written with up to 10 places through a JavaScript number', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 10 }), (units, scale) => {
        const text = formatUnits(units, scale);
        expect(toUnits(Number(text), scale)).toBe(units);
      }),
      { numRuns: 2000 },
    );
  });
});
