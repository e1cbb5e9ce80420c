import { Warninglists } from './warninglists';

describe('Warninglists (real MISP lists from the fixtures)', () => {
  const lists = Warninglists.load();

  it.each([
    ['ip-dst', '10.156.0.2', 'List of RFC 1918 CIDR blocks'],
    ['ip-src', '192.168.86.1', 'List of RFC 1918 CIDR blocks'],
    ['domain|ip', 'internal.example|172.17.0.1', 'List of RFC 1918 CIDR blocks'],
    ['domain', 'login.microsoftonline.com', 'Top 1000 websites from Cisco Umbrella'],
    ['md5', 'd41d8cd98f00b204e9800998ecf8427e', 'List of known hashes for empty files'],
  ])('%s %s hits %s', (type, value, name) => {
    expect(lists.match(type, value)).toBe(name);
  });

  it.each([
    ['ip-dst', '98.101.211.162'],
    ['domain', 'evil.example'],
    ['ip-dst', '172.32.0.1'],
    // A list only applies to its matching_attributes: rfc1918 does not cover `text`.
    ['text', '10.0.0.1'],
  ])('%s %s does not hit', (type, value) => {
    expect(lists.match(type, value)).toBeUndefined();
  });
});
