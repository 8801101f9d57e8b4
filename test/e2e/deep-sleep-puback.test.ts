// The case ESPHome's deep sleep gets wrong: the reading reaches the broker but its PUBACK
// never comes back. A broker written with an independent codec (mqtt-packet) accepts the
// board and withholds every PUBACK on the first wake; the board must stay awake until
// awake_max, keep the reading in flash across the sleep, and send it again on the next wake
// with the same seq, boot and timestamp, where it is acknowledged and the journal is emptied.
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { test } from "node:test";
import mqttPacket from "mqtt-packet";
import { enginesUnderTest, startFirmware, type Engine } from "../../host-sim/xs/engines.js";
import { sleepingBoard } from "../../host-sim/sleeping-board.js";

/** Answers CONNECT, SUBSCRIBE and PINGREQ; acknowledges QoS 1 PUBLISH only when `ack` is set. */
class WithholdingBroker {
  ack = false;
  /** Reading payloads received (sensor-data), in order, with the wake they arrived in. */
  readonly readings: { payload: string; acked: boolean }[] = [];
  readonly #sockets = new Set<Socket>();
  private constructor(readonly server: Server) {}

  static async start(): Promise<WithholdingBroker> {
    const server = createServer();
    const broker = new WithholdingBroker(server);
    server.on("connection", (socket) => broker.#accept(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return broker;
  }

  get port(): number {
    const a = this.server.address();
    if (a === null || typeof a === "string") throw new Error("not listening");
    return a.port;
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const send = (packet: object) => socket.write(mqttPacket.generate(packet as mqttPacket.Packet));
    parser.on("packet", (p: mqttPacket.Packet) => {
      if (p.cmd === "connect") send({ cmd: "connack", returnCode: 0, sessionPresent: false });
      else if (p.cmd === "subscribe")
        send({ cmd: "suback", messageId: p.messageId, granted: p.subscriptions.map((s) => s.qos) });
      else if (p.cmd === "pingreq") send({ cmd: "pingresp" });
      else if (p.cmd === "publish") {
        if (p.topic === "sensor-data") this.readings.push({ payload: p.payload.toString(), acked: this.ack });
        if (p.qos === 1 && this.ack) send({ cmd: "puback", messageId: p.messageId });
      } else if (p.cmd === "disconnect") socket.end();
    });
    socket.on("data", (data: Buffer) => parser.parse(data));
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function scenario(engine: Engine): Promise<void> {
  const broker = await WithholdingBroker.start();
  const afterFirst: { journal: string[]; flashWrites: number }[] = [];
  const {
    board,
    lines,
    finished,
    stop: done,
  } = sleepingBoard(
    ["sample_interval=60", "awake_max=1", "payload_format=json", "qos=1", "mqtt_clean=0"],
    broker.port,
    2,
    () => {
      afterFirst.push({ journal: board.flash.keys("luxq"), flashWrites: board.flash.writes });
      broker.ack = true; // the broker behaves from the second wake on
    },
  );
  const firmware = await startFirmware(engine, board);
  const timeout = setTimeout(done, 30_000);
  try {
    await finished;
    const log = lines.join("");
    assert.equal(board.sleeps, 2, log);
    const first = broker.readings.filter((r) => !r.acked);
    const second = broker.readings.filter((r) => r.acked);
    assert.equal(first.length, 1, `the first wake's reading reached the broker, unacknowledged\n${log}`);
    assert.match(
      log,
      /sleep: awake_max reached; awake 10\d\d ms, 1 readings queued for the next wake/,
      "it stayed awake for the PUBACK, then kept the reading",
    );
    assert.ok(
      afterFirst[0]!.journal.length >= 2,
      `the reading is in flash over the sleep (luxq keys: ${afterFirst[0]!.journal.join(",")})`,
    );
    const seqs = second.map((r) => (JSON.parse(r.payload) as { seq: number }).seq);
    assert.deepEqual(seqs, [1, 2], "the next wake sends the kept reading first, then its own");
    assert.equal(second[0]!.payload, first[0]!.payload, "with the same seq, boot and timestamp");
    assert.match(log, /sleep: delivered; awake \d+ ms, nothing queued/);
    assert.deepEqual(
      board.flash.keys("luxq").filter((k) => /^\d+$/.test(k)),
      [],
      "the journal is emptied once delivered",
    );
  } finally {
    clearTimeout(timeout);
    await firmware.stop();
    board.powerOff();
    await broker.close();
  }
}

// The Node engine runs one board per process (the module shims read the installed board): XS first.
for (const engine of enginesUnderTest().sort((a) => (a === "xs" ? -1 : 1))) {
  test(`${engine}: a reading whose PUBACK never came is kept over the sleep and sent again`, { timeout: 60_000 }, () =>
    scenario(engine),
  );
}
