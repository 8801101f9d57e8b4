import assert from "node:assert/strict";
import { test } from "node:test";
import type { Logger } from "../../src/platform.js";
import { wifiLink } from "../../src/wifi-link.js";
import { VirtualClock } from "../../host-sim/clock.js";
import { SimAccessPoint } from "../../host-sim/parts/access-point.js";

function setup(ssid: string, password = "") {
  const clock = new VirtualClock(0);
  const lines: string[] = [];
  const log: Logger = {
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
  const ap = new SimAccessPoint({ ssid: "lab", password: "pw", clock, joinMs: 50, failMs: 2000 });
  class WiFi {
    readonly #station;
    constructor(options: { ssid: string; password?: string }, callback: (message: string) => void) {
      this.#station = ap.station(options, callback);
    }
    close() {
      this.#station.close();
    }
    static connect(options?: { ssid: string; password?: string }) {
      ap.connect(options);
    }
  }
  const changes: boolean[] = [];
  const link = wifiLink(WiFi, { ssid, password, timers: clock, log, address: () => "10.0.0.7", joinTimeoutMs: 10_000 });
  link.start((up) => changes.push(up));
  return { clock, ap, lines, changes, link };
}

test("joins the access point and reports the address once", () => {
  const { clock, lines, changes } = setup("lab", "pw");
  assert.deepEqual(changes, []);
  clock.advance(100);
  assert.deepEqual(changes, [true]);
  assert.deepEqual(lines, ['info wifi: joining "lab"', 'info wifi: connected to "lab", address 10.0.0.7']);
});

test("a lost link is reported, rejoined when the access point returns, without a retry storm", () => {
  const { clock, ap, changes, lines } = setup("lab", "pw");
  clock.advance(100);
  ap.drop();
  assert.deepEqual(changes, [true, false]);
  clock.advance(60_000);
  assert.ok(ap.attempts <= 1 + 60_000 / 2000 + 1, `join attempts in a minute: ${ap.attempts}`);
  ap.restore();
  clock.advance(3000);
  assert.deepEqual(changes, [true, false, true]);
  assert.ok(lines.includes('warn wifi: lost "lab" (lostIP); rejoining'));
});

test("a wrong password never brings the link up and says what to check", () => {
  const { clock, changes, lines } = setup("lab", "wrong");
  clock.advance(25_000);
  assert.deepEqual(changes, []);
  assert.ok(
    lines.some((l) => l.startsWith('warn wifi: no address from "lab" after 10 s; check ssid and password')),
    lines.join("\n"),
  );
});

test("no ssid: the board's existing network is used at once", () => {
  const { changes, lines } = setup("");
  assert.deepEqual(changes, [true]);
  assert.deepEqual(lines, ["info wifi: no ssid configured; using the board's existing network"]);
});
