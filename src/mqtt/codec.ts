// The MQTT 3.1.1 codec in one import: pure encoder (encode.ts), incremental decoder
// (decode.ts), packet shapes (packets.ts) and MQTT UTF-8 (utf8.ts). No sockets, no timers.
export { encode, encodePublishRaw, publishIdOffset, checkTopicName, lengthOfLength } from "./encode.js";
export { Decoder, MqttProtocolError, frameLength } from "./decode.js";
export * from "./packets.js";
export { utf8Encode, utf8Decode, utf8Length } from "./utf8.js";
