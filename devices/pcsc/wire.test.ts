import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeConnect,
  decodeReadersState,
  decodeTransmit,
  encodeConnect,
  encodeDisconnect,
  encodeEstablish,
  encodeGetReadersState,
  encodeReadersState,
  encodeRelease,
  encodeTransmit,
  encodeVersion,
  READERS_STATE_SIZE,
  SCARD_LEAVE_CARD,
  SCARD_PROTOCOL_T0,
  SCARD_SHARE_SHARED,
} from "./wire.js";

// Expected bytes: what libpcsclite 1.9.9 (Debian 12) wrote to pcscd's socket for the same calls, captured with
// strace (SCardEstablishContext, SCardConnect, SCardTransmit, SCardDisconnect, SCardReleaseContext); libpcsclite
// sends header, struct and APDU in separate writes, concatenated here.
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("pcscd messages: exact bytes as libpcsclite sends them", () => {
  it("CMD_VERSION 4.4 and ESTABLISH_CONTEXT (system scope)", () => {
    expect(hex(encodeVersion(4, 4))).toBe("0c000000110000000400000004000000" + "00000000");
    expect(hex(encodeEstablish())).toBe("0c00000001000000" + "020000000000000000000000");
  });

  it("SCARD_CONNECT: context, NUL-padded 128-byte reader name, shared, T0|T1", () => {
    const b = encodeConnect(0x28c37843, "Virtual PCD 00 00", SCARD_SHARE_SHARED, 3);
    expect(b.length).toBe(8 + 152);
    expect(hex(b.subarray(0, 8))).toBe("9800000004000000");
    expect(hex(b.subarray(8, 12))).toBe("4378c328");
    expect(b.subarray(12, 12 + 17).toString()).toBe("Virtual PCD 00 00");
    expect(b.subarray(12 + 17, 12 + 128).every((x) => x === 0)).toBe(true);
    expect(hex(b.subarray(140))).toBe("0200000003000000" + "000000000000000000000000");
  });

  it("SCARD_TRANSMIT: header, struct with send/receive PCI and lengths, then the APDU", () => {
    const b = encodeTransmit(0x4e8eb0d9, SCARD_PROTOCOL_T0, Uint8Array.from([0x00, 0xb2, 0x01, 0x0c, 0x00]), 300);
    expect(hex(b)).toBe(
      "2000000009000000" + "d9b08e4e0100000010000000050000000300000010000000" + "2c01000000000000" + "00b2010c00",
    );
  });

  it("SCARD_DISCONNECT, SCARD_RELEASE_CONTEXT, CMD_GET_READERS_STATE", () => {
    expect(hex(encodeDisconnect(0x4e8eb0d9, SCARD_LEAVE_CARD))).toBe("0c00000006000000" + "d9b08e4e0000000000000000");
    expect(hex(encodeRelease(0x28c37843))).toBe("0800000002000000" + "4378c32800000000");
    expect(hex(encodeGetReadersState())).toBe("0000000012000000");
  });

  it("a reader name that does not fit pcscd's 128-byte field is refused", () => {
    expect(() => encodeConnect(1, "R".repeat(128), SCARD_SHARE_SHARED, 3)).toThrow(
      "reader name is 128 bytes; pcscd allows at most 127",
    );
  });
});

describe("pcscd replies", () => {
  it("CONNECT reply: card handle and active protocol (as pcscd answered libpcsclite)", () => {
    const reply = Buffer.alloc(152);
    reply.write("d9b08e4e0100000000000000", 140, "hex");
    expect(decodeConnect(reply)).toEqual({ card: 0x4e8eb0d9, protocol: 1, rv: 0 });
  });

  it("TRANSMIT reply struct: response length and rv", () => {
    const reply = Buffer.from("d9b08e4e01000000100000000500000001000000100000001900000000000000", "hex");
    expect(decodeTransmit(reply)).toEqual({ length: 25, rv: 0 });
  });

  it("reader table: fields at pcsc-lite's READER_STATE offsets, empty slots skipped", () => {
    // Laid out by hand from the table pcscd 1.9.9 sent (two vpcd slots, a card in the first).
    const t = Buffer.alloc(READERS_STATE_SIZE);
    t.write("Virtual PCD 00 00", 0);
    t.writeUInt32LE(1, 128); // eventCounter
    t.writeUInt32LE(0x34, 132); // PRESENT | POWERED | NEGOTIABLE
    t.write("3b6500002063cba000", 140, "hex");
    t.writeUInt32LE(9, 176);
    t.write("Virtual PCD 00 01", 184);
    t.writeUInt32LE(2, 184 + 132); // ABSENT
    expect(decodeReadersState(t)).toEqual([
      {
        name: "Virtual PCD 00 00",
        eventCounter: 1,
        state: 0x34,
        sharing: 0,
        atr: Uint8Array.from(Buffer.from("3b6500002063cba000", "hex")),
        protocol: 0,
      },
      { name: "Virtual PCD 00 01", eventCounter: 0, state: 2, sharing: 0, atr: new Uint8Array(0), protocol: 0 },
    ]);
  });

  it("property: decode(encode(table)) is the table for any names, states and ATRs", () => {
    const reader = fc.record({
      name: fc.stringMatching(/^[A-Za-z0-9 ()._-]{1,127}$/),
      eventCounter: fc.nat(0xffff),
      state: fc.nat(0x7f),
      sharing: fc.integer({ min: -1, max: 16 }),
      atr: fc.uint8Array({ maxLength: 33 }),
      protocol: fc.constantFrom(0, 1, 2),
    });
    fc.assert(
      fc.property(fc.array(reader, { maxLength: 16 }), (readers) => {
        expect(decodeReadersState(encodeReadersState(readers))).toEqual(readers);
      }),
    );
  });
});
