// `node build/bench/xs-publish-run.js`: the MQTT client alone on XS (bench/xs-publish.ts), printed
// as one line of numbers: quicker than the whole `npm run bench:xs` while changing the client.
import { manifestConfig, parseArgs } from "../host-sim/options.js";
import { measurePublish } from "./xs-publish.js";

const manifestUrl = new URL("../../manifest.json", import.meta.url);
const n = await measurePublish(parseArgs([], manifestConfig(manifestUrl)).config);
process.stdout.write(`${JSON.stringify(n)}\n`);
