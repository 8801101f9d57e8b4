// The whole MQTT 3.1.1 codec in one import, for the simulator's brokers and tests: the
// firmware's client codec (src/mqtt/) plus the server-side packets (decode.ts, encode.ts here).
// Misbehaving test brokers use mqtt-packet instead (host-sim/faults/), so that a bug shared by
// this encoder and decoder cannot hide.
export { encode } from "./encode.js";
export { PacketDecoder } from "./decode.js";
export { MqttProtocolError } from "../../src/mqtt/decode.js";
export { encodePublish, publishSize, checkTopicName } from "../../src/mqtt/encode.js";
export * from "../../src/mqtt/packets.js";
export { utf8Encode, utf8Decode, utf8Length } from "../../src/mqtt/utf8.js";
