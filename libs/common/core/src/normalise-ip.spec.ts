import { formatIp, normaliseIp, parseIp } from './normalise-ip';

describe('normaliseIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    [' 1.2.3.4\n', '1.2.3.4'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['1.2.3.4/32', '1.2.3.4'],
    ['1.2.3.4/0', '0.0.0.0/0'],
    ['192.168.1.77/24', '192.168.1.0/24'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['fe80::1%eth0', 'fe80::1'],
    ['fe80::1%25', 'fe80::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:0102:0304', '1.2.3.4'],
    ['::ffff:1.2.3.4/120', '1.2.3.0/24'],
    ['::ffff:1.2.3.4/128', '1.2.3.4'],
    ['::ffff:0:0/80', '::/80'],
    ['::1.2.3.4', '::102:304'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['2001:db8::1/128', '2001:db8::1'],
    ['2001:db8:ffff::1/32', '2001:db8::/32'],
    ['2001:db8::/0', '::/0'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseIp(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['leading zero octet (octal ambiguity)', '010.1.1.1'],
    ['leading zero last octet', '1.1.1.01'],
    ['octet > 255', '1.2.3.256'],
    ['three octets', '1.2.3'],
    ['five octets', '1.2.3.4.5'],
    ['trailing dot', '1.2.3.4.'],
    ['hex IPv4', '0x7f.0.0.1'],
    ['integer IPv4', '2130706433'],
    ['negative', '-1.2.3.4'],
    ['prefix > 32', '1.2.3.4/33'],
    ['prefix > 128', '::1/129'],
    ['prefix with leading zero', '1.2.3.4/08'],
    ['empty prefix', '1.2.3.4/'],
    ['prefix with sign', '1.2.3.4/+8'],
    ['two slashes', '1.2.3.4/8/8'],
    ['zone on a range', 'fe80::%eth0/64'],
    ['empty zone', 'fe80::1%'],
    ['two ::', '1::2::3'],
    ['nine groups', '1:2:3:4:5:6:7:8:9'],
    ['seven groups', '1:2:3:4:5:6:7'],
    ['eight groups plus ::', '1:2:3:4::5:6:7:8'],
    ['five hex digits', '12345::1'],
    ['single leading colon', ':1::2'],
    ['single trailing colon', '1::2:'],
    [':::', ':::'],
    ['non-hex', 'g::1'],
    ['embedded IPv4 not last', '::1.2.3.4:5'],
    ['bad embedded IPv4', '::ffff:1.2.3.04'],
    ['brackets', '[::1]'],
    ['port', '1.2.3.4:80'],
    ['domain', 'evil.com'],
    ['space inside', '1.2.3. 4'],
    ['CRLF injection', '1.2.3.4\r\nflush_all'],
    ['300-byte value', '1'.repeat(300)],
    ['unicode digits', '١.٢.٣.٤'],
    ['fullwidth digits', '１.２.３.４'],
  ])('rejects %s', (_name, input) => {
    expect(normaliseIp(input)).toBeUndefined();
  });

  it.each([
    ['1.2.3.4', { family: 4, address: 0x01020304n, prefix: 32 }],
    ['10.9.8.7/8', { family: 4, address: 0x0a000000n, prefix: 8 }],
    ['::1', { family: 6, address: 1n, prefix: 128 }],
    ['2001:db8::/32', { family: 6, address: 0x20010db8n << 96n, prefix: 32 }],
    ['::ffff:10.0.0.1', { family: 4, address: 0x0a000001n, prefix: 32 }],
  ])('parses %j', (input, expected) => {
    expect(parseIp(input)).toEqual(expected);
  });

  it('formatIp round-trips canonical text', () => {
    for (const text of ['1.2.3.4', '10.0.0.0/8', '::', '2001:db8::1', '2001:db8::/32', '1:0:0:2::3']) {
      const parsed = parseIp(text);
      expect(parsed).toBeDefined();
      if (parsed) expect(formatIp(parsed)).toBe(text);
    }
  });
});

describe('normaliseIp fast path (a bare dotted quad is returned as is)', () => {
  it('agrees with parse-and-format on dotted quads and near misses', () => {
    const octets = ['0', '1', '9', '10', '01', '99', '100', '199', '255', '256', '000', '1000', '', 'a', ' 1'];
    let state = 11;
    const pick = (): string => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return octets[state % octets.length] as string;
    };
    for (let n = 0; n < 5000; n++) {
      const text = [pick(), pick(), pick(), pick()].join('.');
      const parsed = parseIp(text);
      expect({ text, normalised: normaliseIp(text) }).toEqual({ text, normalised: parsed === undefined ? undefined : formatIp(parsed) });
    }
  });
});
