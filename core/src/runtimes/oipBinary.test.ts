import { encodeBody, littleEndianBytes, OipFormatError, parseHeaderLength, readFloat32, readUint16, sliceTensors, splitBody } from './oipBinary';

describe('binary tensor data framing', () => {
  it('puts the JSON first and the tensors after it, and reads them back', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = littleEndianBytes(Float32Array.of(1.5, -2));
    const { body, headerLength } = encodeBody({ hello: 'wörld' }, [a, b]);
    expect(headerLength).toBe(new TextEncoder().encode('{"hello":"wörld"}').byteLength);
    expect(body.byteLength).toBe(headerLength! + 3 + 8);
    const { json, binary } = splitBody(body, parseHeaderLength(String(headerLength), body.byteLength));
    expect(json).toEqual({ hello: 'wörld' });
    const [ra, rb] = sliceTensors(binary, [3, 8]);
    expect([...ra]).toEqual([1, 2, 3]);
    expect([...readFloat32(rb)]).toEqual([1.5, -2]);
  });

  it('writes little-endian bytes', () => {
    expect([...littleEndianBytes(Uint16Array.of(0x3c00))]).toEqual([0x00, 0x3c]);
    expect([...littleEndianBytes(Float32Array.of(1))]).toEqual([0, 0, 0x80, 0x3f]);
    expect([...readUint16(Uint8Array.of(0x01, 0x02))]).toEqual([0x0201]);
  });

  it('reads values at an odd offset inside a larger buffer', () => {
    const bytes = new Uint8Array(9);
    bytes.set(littleEndianBytes(Float32Array.of(3.25, 7)), 1);
    expect([...readFloat32(bytes.subarray(1))]).toEqual([3.25, 7]);
  });

  it('sends plain JSON when there is no binary tensor', () => {
    const { body, headerLength } = encodeBody({ a: 1 }, []);
    expect(headerLength).toBeUndefined();
    expect(splitBody(body, undefined).json).toEqual({ a: 1 });
  });

  it('refuses header lengths that lie or are not numbers', () => {
    expect(() => parseHeaderLength('100', 50)).toThrow(/says 100 bytes of JSON, but the whole body has only 50/);
    expect(() => parseHeaderLength('-3', 50)).toThrow(OipFormatError);
    expect(() => parseHeaderLength('12abc', 50)).toThrow(/must be a byte count/);
    expect(() => parseHeaderLength('0', 50)).toThrow(/is 0/);
    expect(parseHeaderLength(undefined, 50)).toBeUndefined();
    const { body } = encodeBody({ a: 'bcdef' }, [Uint8Array.of(1)]);
    expect(() => splitBody(body, 5)).toThrow(/JSON header \(the first 5 bytes.*not valid JSON/);
  });

  it('refuses binary sizes that do not account for every byte', () => {
    expect(() => sliceTensors(new Uint8Array(10), [4, 4])).toThrow(/add up to 8 bytes, but 10 bytes follow/);
    expect(() => sliceTensors(new Uint8Array(6), [4, 4])).toThrow(/add up to 8 bytes, but 6 bytes follow/);
  });

  it('refuses invalid UTF-8 in the header', () => {
    expect(() => splitBody(Uint8Array.of(0x22, 0xff, 0x22), undefined)).toThrow(/not valid UTF-8/);
  });
});
