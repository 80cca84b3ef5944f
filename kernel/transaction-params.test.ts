import { describe, expect, it } from "vitest";
import { EventLog, withEvents } from "./transaction-params.js";

describe("withEvents", () => {
  it("adds an enumerable events after the record's keys, read from the log when read, PANs masked", () => {
    const log = new EventLog();
    const record = withEvents({ outcome: "approved", trace: [] }, log);
    log.add("read-data", "PAN 4761739001010010 read");
    expect(Object.keys(record)).toEqual(["outcome", "trace", "events"]);
    expect(record.events).toEqual([{ step: "read-data", message: "PAN 476173******0010 read" }]);
    log.add("transaction", "approved");
    expect(JSON.parse(JSON.stringify(record)).events).toHaveLength(2);
  });

  it("one accessor function for every record (a getter per record gives each record its own hidden class)", () => {
    const a = withEvents({ x: 1 }, new EventLog());
    const b = withEvents({ x: 2 }, new EventLog());
    const getA = Object.getOwnPropertyDescriptor(a, "events")?.get;
    expect(getA).toBeTypeOf("function");
    expect(Object.getOwnPropertyDescriptor(b, "events")?.get).toBe(getA);
    // The log itself is not an enumerable key: not in JSON, not in spreads by key.
    expect(Object.keys(a)).toEqual(["x", "events"]);
  });

  it("a message given as a function is written when the log is read, once, and masked like the others", () => {
    const log = new EventLog();
    let written = 0;
    log.add("read-data", () => {
      written++;
      return "PAN 4761739001010010 from a function";
    });
    expect(written).toBe(0);
    const record = withEvents({ x: 1 }, log);
    expect(record.events).toEqual([{ step: "read-data", message: "PAN 476173******0010 from a function" }]);
    expect(record.events).toHaveLength(1);
    expect(written).toBe(1);
  });
});
