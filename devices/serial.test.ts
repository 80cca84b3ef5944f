// Phoenix/Smartmouse reader logic on @serialport/binding-mock (RTS/DTR reset observed through set()), with a
// card-side T=0 / T=1 peer answering on the mocked line; ATR reading; garbage and silence.
import { SerialPortMock } from "serialport";
import { afterEach, describe, expect, it } from "vitest";

// serialport (CJS) loads its own instance of the mock binding: use that one.
const MockBinding = SerialPortMock.binding;
type MockPortBinding = NonNullable<SerialPortMock["port"]>;

import { concatBytes, fromHex, toHex } from "../emv/bytes.js";
import { ByteQueue, type LineIo } from "../transport/line.js";
import { serveT0Card } from "../transport/t0.js";
import { serveT1Card } from "../transport/t1.js";
import {
  fromInverse,
  inverseLine,
  openSerial,
  phoenixChannel,
  readAtr,
  type SerialFactory,
  type SerialLike,
} from "./serial.js";
import { FakeCard } from "./testing/fake-card.js";

const T1_ATR = fromHex("3BF81300008131FE454A434F5076323431B7");

interface Wired {
  port: SerialLike;
  sets: Array<{ rts: boolean; dtr: boolean }>;
  stop: () => void;
}

/** Open a mock port whose far end is a card: ATR when RTS is released, then T=0/T=1 on the line. */
async function wiredPort(opts: {
  inverse?: boolean;
  protocol: 0 | 1;
  atr?: Uint8Array;
  garbageBeforeAtr?: Uint8Array;
  mute?: boolean;
}): Promise<Wired> {
  const path = `/dev/ttyPHX${Math.floor(Math.random() * 1e6)}`;
  MockBinding.createPort(path, { echo: false, record: false });
  const sets: Array<{ rts: boolean; dtr: boolean }> = [];
  const rx = new ByteQueue("card rx");
  let binding: MockPortBinding | undefined;
  let stop = false;
  const directLine: LineIo = {
    write: async (b) => {
      binding?.emitData(Buffer.from(b));
    },
    read: (n, t) => rx.read(n, t),
    discard: () => rx.discard(),
  };
  const cardLine = opts.inverse ? inverseLine(directLine) : directLine;
  const card = new FakeCard();
  const factory: SerialFactory = (o) => {
    const p = new SerialPortMock({ path: o.path, baudRate: o.baudRate, autoOpen: false });
    const origOpen = p.open.bind(p);
    (p as unknown as { open: SerialLike["open"] }).open = (cb) =>
      origOpen((err) => {
        binding = p.port as MockPortBinding;
        const origWrite = binding.write.bind(binding);
        binding.write = async (buf: Buffer) => {
          rx.push(new Uint8Array(buf));
          return origWrite(buf);
        };
        const origSet = binding.set.bind(binding);
        binding.set = async (s: { rts?: boolean; dtr?: boolean }) => {
          sets.push({ rts: s.rts!, dtr: s.dtr! });
          await origSet(s);
          if (s.rts === false && !opts.mute) {
            setTimeout(() => {
              if (opts.garbageBeforeAtr) binding?.emitData(Buffer.from(opts.garbageBeforeAtr));
              void cardLine.write(opts.atr ?? (opts.protocol === 1 ? T1_ATR : card.atr));
              const serve = opts.protocol === 1 ? serveT1Card : serveT0Card;
              void serve(cardLine, (a) => card.transmit(a), { shouldStop: () => stop, idleTimeoutMs: 2000 });
            }, 2);
          }
        };
        cb(err);
      });
    return p as unknown as SerialLike;
  };
  const port = await openSerial({ path, baudRate: 9600, parity: "even", stopBits: 2 }, factory);
  return { port, sets, stop: () => (stop = true) };
}

afterEach(() => MockBinding.reset());

describe("Phoenix reader (reset by RTS, ATR, T=0/T=1 on the line)", () => {
  it("resets with RTS (both lines always set), reads the ATR and runs T=0", async () => {
    const w = await wiredPort({ protocol: 0 });
    const ch = await phoenixChannel(w.port, { resetLine: "rts" });
    expect(w.sets).toEqual([
      { rts: true, dtr: false },
      { rts: false, dtr: false },
    ]);
    expect(toHex(ch.atr!)).toBe("3B6500002063CBA000");
    expect(toHex(await ch.transmit(fromHex("00A404000E315041592E5359532E444446303100")))).toBe(
      "6F1A840E315041592E5359532E4444463031A5088801015F2D02656E9000",
    );
    expect(toHex(await ch.transmit(fromHex("00B2010C00")))).toBe("70125A0847617390010101195F24032212319F0702FF009000");
    w.stop();
    await ch.close();
  });

  it("chooses T=1 from the ATR, negotiates IFSD and exchanges APDUs", async () => {
    const w = await wiredPort({ protocol: 1 });
    const ch = await phoenixChannel(w.port, { resetLine: "dtr" });
    expect(w.sets[0]).toEqual({ rts: false, dtr: true });
    expect(toHex(ch.atr!)).toBe(toHex(T1_ATR));
    expect(toHex(await ch.transmit(fromHex("80A8000002830000")))).toBe("800E5C000801010010010100180102009000");
    w.stop();
    await ch.close();
  });

  it("a mute card is a timeout, garbage instead of an ATR is a clear protocol error; ports are closed", async () => {
    const w = await wiredPort({ protocol: 0, mute: true });
    await expect(phoenixChannel(w.port, {})).rejects.toMatchObject({ kind: "timeout" });
    expect(w.port.isOpen).toBe(false);
    const g = await wiredPort({ protocol: 0, atr: fromHex("FF00") });
    await expect(phoenixChannel(g.port, {})).rejects.toMatchObject({
      kind: "protocol",
      message: expect.stringContaining("ATR: TS FF is neither 3B (direct) nor 3F (inverse convention)"),
    });
    expect(g.port.isOpen).toBe(false);
  });

  it("detects inverse convention (TS 03 on the wire = 3F) and converts every character", async () => {
    expect(fromInverse(0x03)).toBe(0x3f);
    expect(fromInverse(0x3f)).toBe(0x03);
    const w = await wiredPort({ protocol: 0, inverse: true, atr: fromHex("3F6500002063CBA000") });
    const ch = await phoenixChannel(w.port, {});
    expect(ch.description).toBe(`serial:${w.port.path} (phoenix, inverse convention)`);
    expect(toHex(ch.atr!)).toBe("3F6500002063CBA000");
    expect(toHex(await ch.transmit(fromHex("00B2010C00")))).toBe("70125A0847617390010101195F24032212319F0702FF009000");
    w.stop();
    await ch.close();
  });

  it("reads an ATR byte by byte following TDi (T=0 only: no TCK)", async () => {
    const q = new ByteQueue("t");
    q.push(concatBytes(fromHex("3B6500002063CBA000"), fromHex("AA")));
    const atr = await readAtr({ write: async () => {}, read: (n, t) => q.read(n, t) });
    expect(toHex(atr)).toBe("3B6500002063CBA000");
    expect(q.available).toBe(1);
  });
});
