// Reader URIs with every kind (emulator:<profile>, pcsc:, serial:, hid:, replay:): the software cards of emulator/
// beside the hardware readers of devices/, so that one --reader option reaches either.

import { discoverDeviceReaders, type ReaderKindReport, why } from "../devices/discovery.js";
import { type OpenReaderOptions, openReader as openDeviceReader } from "../devices/open.js";
import { openEmulatorChannel } from "../emulator/channel.js";
import { DEFAULT_PROFILE_ID, listProfiles } from "../emulator/profile.js";
import type { CardChannel } from "../transport/channel.js";

/** Open a CardChannel for any reader URI; emulator: (the default) is an in-process software card. */
export function openReader(
  uri = "emulator:",
  options: Omit<OpenReaderOptions, "openEmulator"> = {},
): Promise<CardChannel> {
  return openDeviceReader(uri, {
    ...options,
    openEmulator: async (profile) => openEmulatorChannel(profile ?? DEFAULT_PROFILE_ID),
  });
}

function emulatorReport(): ReaderKindReport {
  try {
    return {
      kind: "emulator",
      available: true,
      readers: listProfiles().map((p) => ({ uri: `emulator:${p}`, name: p })),
    };
  } catch (e) {
    return { kind: "emulator", available: false, reason: why(e), readers: [] };
  }
}

/** Every kind, each answering on its own; a failing kind becomes an explanation. */
export async function discoverReaders(): Promise<ReaderKindReport[]> {
  return [emulatorReport(), ...(await discoverDeviceReaders())];
}
