import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { plainItem, plainNumber, plainValue } from "../../actions/lib/dynamodb-plain-json.ts";
import { CaretakerError } from "../../engine/errors.ts";

describe("plainNumber", () => {
  it.each([
    ["0", 0],
    ["-17", -17],
    ["1.50", 1.5],
    ["0.1", 0.1],
    ["-0.000001", -0.000001],
    ["1E+2", 100],
    ["9007199254740991", 9007199254740991],
    ["100000000000000000000", 1e20],
    ["1E-130", 1e-130],
    ["9.9999999999999999999999999999999999999E+125", "9.9999999999999999999999999999999999999E+125"],
    ["9007199254740993", "9007199254740993"],
    ["12345678901234567890123456789012345678", "12345678901234567890123456789012345678"],
    ["3.14159265358979323846", "3.14159265358979323846"],
  ])("%s -> %j", (text, expected) => {
    expect(plainNumber(text)).toBe(expected);
  });

  it("gives back every double it is shown, as that same double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(plainNumber(String(value))).toBe(value === 0 ? 0 : value);
      }),
    );
  });

  it("never loses a digit: a number result prints back to the same decimal, anything else is the input", () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[1-9]\d{0,37}$/), fc.integer({ min: -40, max: 40 }))
      .map(([negative, digits, exponent]) => `${negative ? "-" : ""}${digits}E${exponent}`);
    fc.assert(
      fc.property(decimal, (text) => {
        const out = plainNumber(text);
        if (typeof out === "string") expect(out).toBe(text);
        else expect(Number(text)).toBe(out);
        if (typeof out === "number") expect(plainNumber(String(out))).toBe(out);
      }),
    );
  });
});

describe("plainValue and plainItem", () => {
  it("converts every DynamoDB type", () => {
    expect(
      plainItem({
        s: { S: "text" },
        n: { N: "2.5" },
        b: { B: new Uint8Array([0, 1, 254, 255]) },
        ss: { SS: ["a", "b"] },
        ns: { NS: ["1", "18446744073709551616"] },
        bs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
        m: { M: { inner: { L: [{ NULL: true }, { BOOL: false }] } } },
        l: { L: [] },
      }),
    ).toEqual({
      s: "text",
      n: 2.5,
      b: "AAH+/w==",
      ss: ["a", "b"],
      ns: [1, "18446744073709551616"],
      bs: ["AQ==", "AgM="],
      m: { inner: [null, false] },
      l: [],
    });
  });

  it("encodes a binary view into a larger buffer by its own bytes only", () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    expect(plainValue({ B: backing.subarray(2, 5) })).toBe("AQID");
  });

  it("keeps an attribute named __proto__ as data", () => {
    const item = plainItem(JSON.parse('{"__proto__":{"S":"x"}}'));
    expect(JSON.stringify(item)).toBe('{"__proto__":"x"}');
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
  });

  it("refuses an attribute type it does not know", () => {
    expect(() => plainValue({ $unknown: ["Z", "1"] } as never)).toThrow(CaretakerError);
  });
});
