import assert from "node:assert/strict";
import { Chalk } from "chalk";
import { makeStyle } from "../../src/io/io.ts";

/** makeStyle replaced chalk (a start-up cost): the bytes must stay what chalk wrote, coloured (level 1) and plain. */
describe("makeStyle writes what chalk wrote", () => {
  const names = ["red", "green", "yellow", "cyan", "gray", "bold", "dim"] as const;
  const texts = ["", "x", "two words", "line 1\nline 2", "crlf\r\nnext", "\n", "trailing\n"];
  for (const level of [0, 1] as const) {
    const chalk = new Chalk({ level });
    const style = makeStyle(level === 1);
    it(`level ${level}: each style, alone and nested in every other`, () => {
      assert.equal(style.level, level);
      for (const outer of names) {
        for (const text of texts) {
          assert.equal(style[outer](text), chalk[outer](text), `${outer}(${JSON.stringify(text)})`);
          for (const inner of names) {
            const mixed = `a ${style[inner](text)} b`;
            assert.equal(style[outer](mixed), chalk[outer](`a ${chalk[inner](text)} b`), `${outer}(${inner}(${JSON.stringify(text)}))`);
          }
        }
      }
    });
  }
});
