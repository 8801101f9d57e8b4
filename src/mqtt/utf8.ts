// UTF-8 for MQTT strings, written for XS (which has no TextEncoder/TextDecoder).
// MQTT 3.1.1 §1.5.3: strings are well-formed UTF-8; surrogate code points (U+D800..U+DFFF)
// and U+0000 are not allowed [MQTT-1.5.3-1] [MQTT-1.5.3-2]. A BOM (U+FEFF) is a character
// like any other and is never stripped [MQTT-1.5.3-3].

/** Byte length of `text` in UTF-8; throws RangeError on a lone surrogate or U+0000. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0) throw new RangeError("MQTT strings must not contain U+0000 [MQTT-1.5.3-2]");
      n += 1;
    } else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff))
        throw new RangeError("MQTT strings must not contain a lone surrogate [MQTT-1.5.3-1]");
      n += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw new RangeError("MQTT strings must not contain a lone surrogate [MQTT-1.5.3-1]");
    } else n += 3;
  }
  return n;
}

/** Writes `text` as UTF-8 at `offset`; returns the offset after it. Validate with utf8Length first. */
export function utf8Write(text: string, into: Uint8Array, offset: number): number {
  let o = offset;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) into[o++] = c;
    else if (c < 0x800) {
      into[o++] = 0xc0 | (c >> 6);
      into[o++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      into[o++] = 0xf0 | (c >> 18);
      into[o++] = 0x80 | ((c >> 12) & 0x3f);
      into[o++] = 0x80 | ((c >> 6) & 0x3f);
      into[o++] = 0x80 | (c & 0x3f);
    } else {
      into[o++] = 0xe0 | (c >> 12);
      into[o++] = 0x80 | ((c >> 6) & 0x3f);
      into[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o;
}

/**
 * UTF-8 bytes of `text`; throws RangeError on a string MQTT forbids. The engine converts
 * natively (ArrayBuffer.fromString); one byte per character means plain ASCII, which needs no
 * check but U+0000 [MQTT-1.5.3-2]. Anything else is encoded and checked here.
 */
export function utf8Encode(text: string): Uint8Array {
  const bytes = new Uint8Array(ArrayBuffer.fromString(text));
  if (bytes.length === text.length && !text.includes("\u0000")) return bytes;
  const out = new Uint8Array(utf8Length(text));
  utf8Write(text, out, 0);
  return out;
}

/**
 * Decodes bytes[start, end) as MQTT UTF-8. Returns the string, or undefined when the bytes are
 * not well-formed UTF-8 (overlong forms, surrogates, > U+10FFFF, truncated sequences)
 * [MQTT-1.5.3-1] or contain U+0000 [MQTT-1.5.3-2]. The caller names the field in its error.
 */
export function utf8Decode(bytes: Uint8Array, start: number, end: number): string | undefined {
  let out = "";
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      // Fast path for runs of ASCII, the common case for topics.
      let j = i;
      const stop = Math.min(end, i + 1024);
      while (j < stop && bytes[j]! < 0x80) {
        if (bytes[j] === 0) return undefined;
        j++;
      }
      out += String.fromCharCode.apply(null, bytes.subarray(i, j) as unknown as number[]);
      i = j;
      continue;
    }
    let cp: number;
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      cp = b & 0x1f;
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      cp = b & 0x0f;
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      cp = b & 0x07;
      need = 3;
      min = 0x10000;
    } else return undefined;
    if (i + need >= end) return undefined;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}
