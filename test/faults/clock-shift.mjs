// Preloaded into a gateway process (NODE_OPTIONS=--import) by clock-jump.test.ts: the gateway
// has no clock of its own to fake, so this moves the process's wall clock (Date.now and
// new Date()) by FAULT_CLOCK_STEP_MS each time the process gets SIGUSR2, as an NTP step or an
// operator's `date -s` would. Timers and performance.now stay monotonic, as they do then.
const step = Number(process.env.FAULT_CLOCK_STEP_MS ?? 0);
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
let offset = 0;

class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + offset);
    else super(...args);
  }
  static now() {
    return realNow() + offset;
  }
}

globalThis.Date = ShiftedDate;
process.on('SIGUSR2', () => {
  offset += step;
  process.stdout.write(`${JSON.stringify({ msg: 'test clock stepped', offsetMs: offset })}\n`);
});
