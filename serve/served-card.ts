// What a server needs from a card: the shape of emulator/card.ts EmulatedCard (ATR, power, synchronous APDU).

export interface ServedCard {
  readonly atr: Uint8Array;
  powerOn(): Uint8Array;
  powerOff(): void;
  /** One command APDU in, response APDU (data ‖ SW1 SW2) out; never throws. */
  transmit(apdu: Uint8Array): Uint8Array;
}
