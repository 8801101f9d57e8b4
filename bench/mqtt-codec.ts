// Codec benchmark: encode + decode of PUBLISH packets (16-256 byte payloads), the device's own
// path (encodePublish, the client Decoder's framing, parsePublish) vs mqtt-packet (generate,
// parser), measured in the same process; prints ops/s and the ratio (goal: >= 3x at every size).
// Run: npm run build && node build/bench/mqtt-codec.js
import mqttPacket from "mqtt-packet";
import { Decoder, parsePublish } from "../src/mqtt/decode.js";
import { encodePublish } from "../src/mqtt/encode.js";

const SIZES = [16, 64, 128, 256];
const N = 50_000;

function bestOf(rounds: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

export function runCodecBench(): { size: number; ours: number; theirs: number; ratio: number }[] {
  const rows = [];
  for (const size of SIZES) {
    const payload = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
    const topic = new TextEncoder().encode("sensor-data");
    const theirs = {
      cmd: "publish" as const,
      topic: "sensor-data",
      payload: Buffer.from(payload),
      qos: 1 as const,
      retain: false,
      dup: false,
      messageId: 1,
    };
    let sink = 0;
    const oursMs = bestOf(5, () => {
      const d = new Decoder();
      for (let i = 0; i < N; i++) {
        d.push(encodePublish(topic, payload, 1, false, false, 1));
        const first = d.next();
        if (first >> 4 === 3) sink += parsePublish(d, first).payload.length;
      }
    });
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on("packet", ((p: { payload: Buffer }) => {
      sink += p.payload.length;
    }) as never);
    const theirsMs = bestOf(5, () => {
      for (let i = 0; i < N; i++) parser.parse(mqttPacket.generate(theirs));
    });
    if (sink === 0) throw new Error("benchmark did nothing");
    const o = (N / oursMs) * 1000;
    const t = (N / theirsMs) * 1000;
    rows.push({ size, ours: Math.round(o), theirs: Math.round(t), ratio: o / t });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`codec: PUBLISH encode+decode, ${N} packets per round, best of 5`);
  for (const r of runCodecBench()) {
    console.log(
      `  payload ${String(r.size).padStart(3)} B: luxflow ${r.ours.toLocaleString("en")} ops/s, mqtt-packet ${r.theirs.toLocaleString("en")} ops/s, ratio ${r.ratio.toFixed(2)}x`,
    );
  }
}
