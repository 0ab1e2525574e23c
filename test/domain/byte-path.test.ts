import { describe, expect, it } from 'vitest';
import { comparePaths } from '../../src/checksums/attributes.js';
import { displayPath, fsPath, hasEscapedBytes, pathFromBytes, pathToBytes } from '../../src/domain/byte-path.js';

const b = (...xs: number[]) => Buffer.from(xs);

describe('paths as bytes', () => {
  it.each([
    ['plain ASCII', Buffer.from('/etc/ssh/sshd_config'), '/etc/ssh/sshd_config', '/etc/ssh/sshd_config'],
    ['valid UTF-8 stays', Buffer.from('/srv/café/ключ'), '/srv/café/ключ', '/srv/café/ключ'],
    ['astral characters stay', Buffer.from('/x/😀'), '/x/😀', '/x/😀'],
    ['a lone 0xfe', Buffer.concat([Buffer.from('/a/'), b(0xfe)]), '/a/\udcfe', '/a/\\xfe'],
    ['a truncated sequence', b(0x2f, 0xe2, 0x28, 0xa1), '/\udce2(\udca1', '/\\xe2(\\xa1'],
    ['an overlong "/"', b(0xc0, 0xaf), '\udcc0\udcaf', '\\xc0\\xaf'],
    ['an encoded UTF-16 surrogate', b(0xed, 0xa0, 0x80), '\udced\udca0\udc80', '\\xed\\xa0\\x80'],
    ['above U+10FFFF', b(0xf4, 0x90, 0x80, 0x80), '\udcf4\udc90\udc80\udc80', '\\xf4\\x90\\x80\\x80'],
    ['valid after invalid', b(0xff, 0xc3, 0xa9), '\udcffé', '\\xffé'],
  ])('%s', (_name, bytes, path, shown) => {
    expect(pathFromBytes(bytes)).toBe(path);
    expect(pathToBytes(path)).toEqual(bytes);
    expect(displayPath(path)).toBe(shown);
    expect(hasEscapedBytes(path)).toBe(shown !== path);
    expect(typeof fsPath(path)).toBe(shown !== path ? 'object' : 'string');
  });

  it('comparePaths orders like the stored bytes (SQLite BINARY) for random byte strings', () => {
    let seed = 13;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    const pool = [0x2f, 0x41, 0x61, 0x7f, 0x80, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xfe, 0xff, 0xed, 0xa0];
    const samples = Array.from({ length: 400 }, () => Buffer.from(Array.from({ length: 1 + (rnd() % 6) }, () => pool[rnd() % pool.length])));
    for (const x of samples) {
      for (const y of samples.slice(0, 60)) {
        expect(Math.sign(comparePaths(pathFromBytes(x), pathFromBytes(y))), `${x.toString('hex')} vs ${y.toString('hex')}`).toBe(Math.sign(Buffer.compare(x, y)));
      }
    }
  });
});
