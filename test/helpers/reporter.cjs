// Mocha's dot reporter plus a plain closing line "N passed, N failed, N skipped" that any CI can read.
"use strict";
const Mocha = require("mocha");
const { Dot } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class DotWithSummary extends Dot {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats ?? {};
      process.stdout.write(`tests: ${s.passes ?? 0} passed, ${s.failures ?? 0} failed, ${s.pending ?? 0} skipped\n`);
    });
  }
}
module.exports = DotWithSummary;
