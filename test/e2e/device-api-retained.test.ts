// End to end against mosquitto, on both engines (issue 11, items 1 and 12): a retained
// command — `mosquitto_pub -r` — is delivered again on every subscription [MQTT-3.3.1-8];
// the device must answer it once per delivery as ignored and never run it, so a retained
// `restart` restarts nothing and readings flow. A flood of commands, all answered, leaves
// health's `dropped` (readings lost) at 0.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { connect, type MqttClient } from "mqtt";
import { startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { enginesUnderTest } from "../../host-sim/xs/engines.js";
import { mosquittoWithPub, runSim } from "../helpers/sim.js";
import { sleep, until } from "../helpers/wait.js";

const { pub: PUB, missing } = mosquittoWithPub();

interface Message {
  topic: string;
  text: string;
  retain: boolean;
}

async function listen(
  port: number,
  topics: string[],
): Promise<{
  client: MqttClient;
  messages: Message[];
  until(check: () => boolean, what: string, ms?: number): Promise<void>;
}> {
  const client = connect({ host: "127.0.0.1", port, protocolVersion: 4, reconnectPeriod: 200 });
  const messages: Message[] = [];
  client.on(
    "message",
    (topic, payload, packet) => void messages.push({ topic, text: payload.toString("utf8"), retain: packet.retain }),
  );
  await new Promise<void>((resolve) =>
    client.once("connect", () => client.subscribe(topics, { qos: 1 }, () => resolve())),
  );
  return {
    client,
    messages,
    until: (check, what, ms = 20_000) =>
      until(check, what, {
        timeoutMs: ms,
        everyMs: 50,
        detail: () => `got ${messages.map((m) => `${m.topic} ${m.text.slice(0, 120)}`).join(" | ")}`,
      }),
  };
}

const pub = (port: number, args: string[], input?: string) =>
  execFileSync(PUB!, ["-h", "127.0.0.1", "-p", String(port), "-q", "1", ...args], input === undefined ? {} : { input });
const json = (m: Message) => JSON.parse(m.text) as Record<string, unknown>;

describe("commands at most once, against mosquitto", { skip: missing }, () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startMosquitto();
  });
  after(async () => {
    await broker?.close();
  });

  for (const engine of enginesUnderTest()) {
    test(`${engine}: a retained restart (mosquitto_pub -r) causes zero restarts; it is answered as ignored with how to clear it; readings flow`, async () => {
      const id = `lux-r-${engine}`;
      pub(broker.port, ["-r", "-t", `${id}/command`, "-m", '{"name":"restart"}']);
      const sub = await listen(broker.port, ["sensor-data", `${id}/result`]);
      const sim = runSim([
        `engine=${engine}`,
        "mqtt_host=127.0.0.1",
        `mqtt_port=${broker.port}`,
        `sensor_id=${id}`,
        "payload_format=json",
        "sample_interval=0.2",
      ]);
      try {
        await sub.until(
          () => sub.messages.some((m) => m.topic === `${id}/result`),
          "the answer to the retained command",
        );
        const answer = json(sub.messages.find((m) => m.topic === `${id}/result`)!);
        assert.equal(answer.name, "restart");
        assert.equal(answer.ok, false);
        assert.equal(answer.ignored, true);
        assert.match(
          String(answer.message),
          new RegExp(`retained command is never run.*clear it: mosquitto_pub -r -n -t ${id}/command$`),
        );
        const mine = () => sub.messages.filter((m) => m.topic === "sensor-data" && json(m).sensor_id === id);
        await sub.until(() => mine().length >= 8, "readings after the retained command");
        await sleep(1000); // a window in which a restart would show
        assert.ok(!sim.stderr.some((l) => /^sim: restart/.test(l)), `no restart: ${sim.stderr.join("\n")}`);
        assert.deepEqual(
          mine()
            .map((m) => json(m).boot)
            .filter((b, i, all) => all.indexOf(b) === i),
          [1],
          "one boot only",
        );
        const ignored = sim.stderr.filter((l) => /command restart: ignored: a retained command/.test(l));
        assert.equal(ignored.length, 1, sim.stderr.join("\n"));
        assert.match(ignored[0]!, /^luxflow warn: command restart: ignored: a retained command is never run/);

        const answers = sub.messages.filter((m) => m.topic === `${id}/result`).length;
        pub(broker.port, ["-r", "-n", "-t", `${id}/command`]);
        await sim.waitFor(
          "stderr",
          /command: an empty message on .*\/command \(a retained command cleared\): nothing to run/,
        );
        await sleep(300); // a window in which an answer would arrive
        assert.equal(
          sub.messages.filter((m) => m.topic === `${id}/result`).length,
          answers,
          "clearing is not a command: no answer",
        );
        pub(broker.port, ["-t", `${id}/command`, "-m", JSON.stringify({ name: "report_state", time: 1 })]);
        await sub.until(
          () => sub.messages.some((m) => m.topic === `${id}/result` && json(m).time === 1 && json(m).ok === true),
          "a live command still runs",
        );
      } finally {
        await sim.stop();
        sub.client.end(true);
      }
    });
  }

  test("a flood of 1,000 report_state commands: all answered, and health reports no readings dropped", async () => {
    const id = "lux-flood";
    const sub = await listen(broker.port, [`${id}/result`, `${id}/health`]);
    const sim = runSim([
      "mqtt_host=127.0.0.1",
      `mqtt_port=${broker.port}`,
      `sensor_id=${id}`,
      "sample_interval=0.5",
      "health_interval=1",
    ]);
    try {
      await sim.waitFor("stderr", /mqtt: connected to/);
      // Sent after the board's SUBSCRIBE on this connection: once it arrives, commands reach the board.
      await sub.until(
        () => sub.messages.some((m) => m.topic === `${id}/health`),
        "the board's first health report (subscribed)",
      );
      const lines = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ name: "report_state", time: i + 1 })).join(
        "\n",
      );
      pub(broker.port, ["-t", `${id}/command`, "-l"], `${lines}\n`);
      const answered = () =>
        new Set(sub.messages.filter((m) => m.topic === `${id}/result`).map((m) => json(m).time)).size;
      await sub.until(() => answered() === 1000, "1,000 answers", 60_000);
      const at = sub.messages.length;
      await sub.until(
        () => sub.messages.slice(at).some((m) => m.topic === `${id}/health`),
        "a health report after the flood",
      );
      const health = json(sub.messages.slice(at).find((m) => m.topic === `${id}/health`)!);
      assert.equal(health.dropped, 0, `health after the flood: ${JSON.stringify(health)}`);
      assert.ok((health.readings as number) > 0);
    } finally {
      await sim.stop();
      sub.client.end(true);
    }
  });
});
