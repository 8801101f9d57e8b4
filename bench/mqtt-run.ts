// Runs the MQTT benchmarks (codec, then client against mosquitto) and prints ratios against
// the peers measured in the same run. Run: npm run build && node build/bench/mqtt-run.js
import { runClientBench } from "./mqtt-client.js";
import { runCodecBench } from "./mqtt-codec.js";

console.log("codec: PUBLISH encode+decode vs mqtt-packet (goal >= 3x at every size)");
for (const r of runCodecBench()) {
  console.log(
    `  payload ${String(r.size).padStart(3)} B: luxflow ${r.ours.toLocaleString("en")} ops/s, mqtt-packet ${r.theirs.toLocaleString("en")} ops/s, ratio ${r.ratio.toFixed(2)}x`,
  );
}
console.log("client: publish throughput to mosquitto vs the mqtt package (goal >= 1x)");
for (const r of await runClientBench()) {
  console.log(
    `  QoS ${r.qos}: luxflow ${r.ours.toLocaleString("en")} msg/s, mqtt ${r.theirs.toLocaleString("en")} msg/s, ratio ${r.ratio.toFixed(2)}x`,
  );
}
