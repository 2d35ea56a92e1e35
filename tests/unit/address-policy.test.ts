/**
 * The egress policy on its own: classification of addresses and the allow decision.
 * Nothing here resolves a name for real or opens a socket.
 */
import { describe, expect, it } from "vitest";
import { classifyAddress, refuseAddress, resolveEgressPolicy } from "../../core/net/addressPolicy.js";
import { assertPublicTarget, cachingResolveHost, resolveTarget } from "../../core/net/resolveTarget.js";
import { BlockedTargetError } from "../../core/net/errors.js";

const strict = resolveEgressPolicy({ allowPrivate: false });
const relaxed = resolveEgressPolicy({ allowPrivate: true });

/** [address, category] for at least one address at each end of every refused range. */
const REFUSED: ReadonlyArray<readonly [string, string]> = [
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.0.1", "private"],
  ["192.168.255.255", "private"],
  ["169.254.0.1", "link-local"],
  ["169.254.169.254", "link-local"],
  ["100.64.0.1", "carrier-grade NAT"],
  ["100.127.255.255", "carrier-grade NAT"],
  ["100.100.100.200", "cloud metadata"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["0.0.0.0", "unspecified"],
  ["0.255.255.255", "unspecified"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "reserved"],
  ["192.0.2.10", "reserved"],
  ["198.18.0.1", "reserved"],
  ["::1", "loopback"],
  ["::", "unspecified"],
  ["fc00::1", "private"],
  ["fd12:3456::1", "private"],
  ["fd00:ec2::254", "cloud metadata"],
  ["fe80::1", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["febf:ffff::1", "link-local"],
  ["ff02::1", "multicast"],
  ["ff0e::101", "multicast"],
  ["2001:db8::1", "reserved"],
  ["::127.0.0.1", "reserved"],
  // IPv4-mapped, in both spellings
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::ffff:10.1.2.3", "private"],
  ["::ffff:169.254.169.254", "link-local"],
  ["::ffff:a9fe:a9fe", "link-local"],
  ["::ffff:100.64.0.1", "carrier-grade NAT"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["::ffff:224.0.0.1", "multicast"],
  ["[::ffff:192.168.1.1]", "private"],
  // NAT64 of them
  ["64:ff9b::127.0.0.1", "loopback"],
  ["64:ff9b::a00:1", "private"],
  ["64:ff9b::a9fe:a9fe", "link-local"],
  ["64:ff9b:1::a00:1", "private"],
  // 6to4 of them
  ["2002:7f00:1::1", "loopback"],
  ["2002:a00:1::", "private"],
  ["2002:c0a8:101::1", "private"],
  ["2002:a9fe:a9fe::1", "link-local"],
  ["2002:6440:1::1", "carrier-grade NAT"],
];

const PUBLIC = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.215.14",
  "9.255.255.255",
  "11.0.0.1",
  "100.63.255.255",
  "100.128.0.1",
  "126.255.255.255",
  "128.0.0.1",
  "169.253.255.255",
  "169.255.0.1",
  "172.15.255.255",
  "172.32.0.1",
  "192.167.255.255",
  "192.169.0.1",
  "223.255.255.255",
  "2606:4700:4700::1111",
  "2001:4860:4860::8888",
  "2a00:1450:4001:80b::200e",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808",
  "2002:808:808::1",
];

describe("classifyAddress", () => {
  it.each(REFUSED)("refuses %s (%s)", (address, category) => {
    expect(classifyAddress(address)?.category).toBe(category);
    expect(refuseAddress(address, 80, strict)).toMatchObject({ address, category });
  });

  it.each(PUBLIC)("allows the public address %s", (address) => {
    expect(classifyAddress(address)).toBeUndefined();
    expect(refuseAddress(address, 443, strict)).toBeUndefined();
  });

  it("names the range, and the IPv6 form an IPv4 address came in", () => {
    expect(classifyAddress("169.254.169.254")?.range).toBe("169.254.0.0/16 link-local (cloud metadata)");
    expect(classifyAddress("::ffff:7f00:1")?.range).toBe("127.0.0.0/8 loopback via ::ffff:0:0/96 IPv4-mapped");
    expect(classifyAddress("64:ff9b::a00:1")?.range).toBe("10.0.0.0/8 private via 64:ff9b::/96 NAT64");
    expect(classifyAddress("2002:a9fe:a9fe::1")?.range).toBe(
      "169.254.0.0/16 link-local (cloud metadata) via 2002::/16 6to4",
    );
  });

  it("treats anything that is not an IP address as invalid (fail closed)", () => {
    for (const text of ["localhost", "", "1.2.3", "300.1.1.1", "::g", "example.com"]) {
      expect(classifyAddress(text)?.category).toBe("invalid");
    }
  });
});

describe("the egress policy", () => {
  it("with allowPrivate lets loopback, private and carrier-grade NAT through, never link-local, metadata, multicast or reserved", () => {
    for (const address of [
      "127.0.0.1",
      "::1",
      "10.0.0.1",
      "192.168.1.1",
      "172.20.0.1",
      "100.64.0.1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ]) {
      expect(refuseAddress(address, 80, relaxed)).toBeUndefined();
    }
    for (const address of [
      "169.254.169.254",
      "fe80::1",
      "fd00:ec2::254",
      "100.100.100.200",
      "224.0.0.1",
      "0.0.0.0",
      "::",
      "255.255.255.255",
    ]) {
      expect(refuseAddress(address, 80, relaxed)).toBeDefined();
    }
  });

  it("reads ALLOW_PRIVATE_TARGETS when the option is not given; the option wins", () => {
    expect(resolveEgressPolicy({}, {}).allowPrivate).toBe(false);
    expect(resolveEgressPolicy({}, { ALLOW_PRIVATE_TARGETS: "0" }).allowPrivate).toBe(false);
    expect(resolveEgressPolicy({}, { ALLOW_PRIVATE_TARGETS: "1" }).allowPrivate).toBe(true);
    expect(resolveEgressPolicy({ allowPrivate: false }, { ALLOW_PRIVATE_TARGETS: "1" }).allowPrivate).toBe(false);
  });

  it("allowTargets opens exactly one address and port, however the address is spelled", () => {
    const policy = resolveEgressPolicy({ allowPrivate: false, allowTargets: ["127.0.0.1:8080", "[::1]:9000"] });
    expect(refuseAddress("127.0.0.1", 8080, policy)).toBeUndefined();
    expect(refuseAddress("0:0:0:0:0:0:0:1", 9000, policy)).toBeUndefined();
    expect(refuseAddress("127.0.0.1", 8081, policy)).toBeDefined();
    expect(refuseAddress("127.0.0.2", 8080, policy)).toBeDefined();
    expect(refuseAddress("::1", 8080, policy)).toBeDefined();
    expect(() => resolveEgressPolicy({ allowTargets: ["localhost:80"] })).toThrow(TypeError);
  });
});

describe("resolveTarget and assertPublicTarget", () => {
  const names: Record<string, string[]> = {
    "public.test": ["93.184.215.14"],
    "inside.test": ["10.1.2.3"],
    "mixed.test": ["93.184.215.14", "127.0.0.1"],
  };
  const resolveHost = async (host: string) => {
    const found = names[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

  it("refuses a name when any of its addresses is refused, and checks IP literals without DNS", async () => {
    await expect(resolveTarget("public.test", 443, strict, resolveHost)).resolves.toEqual([
      { address: "93.184.215.14", family: 4 },
    ]);
    await expect(resolveTarget("mixed.test", 443, strict, resolveHost)).rejects.toMatchObject({
      code: "BLOCKED_TARGET",
      message: "mixed.test:443 resolves to 127.0.0.1 (127.0.0.0/8 loopback)",
    });
    const noDns = async () => expect.unreachable("an IP literal needs no DNS");
    await expect(resolveTarget("[::1]", 80, strict, noDns)).rejects.toBeInstanceOf(BlockedTargetError);
    await expect(resolveTarget("8.8.8.8", 80, strict, noDns)).resolves.toEqual([{ address: "8.8.8.8", family: 4 }]);
  });

  it("assertPublicTarget gives the address to connect to, and refuses other schemes and private names", async () => {
    await expect(assertPublicTarget("https://public.test/hook", { resolveHost })).resolves.toMatchObject({
      address: "93.184.215.14",
      family: 4,
    });
    await expect(
      assertPublicTarget("http://inside.test/", { resolveHost, policy: { allowPrivate: false } }),
    ).rejects.toMatchObject({
      name: "BlockedTargetError",
      message: "http://inside.test/ resolves to 10.1.2.3 (10.0.0.0/8 private)",
    });
    await expect(
      assertPublicTarget("http://inside.test/", { resolveHost, policy: { allowPrivate: true } }),
    ).resolves.toMatchObject({ address: "10.1.2.3" });
    await expect(assertPublicTarget("ftp://public.test/", { resolveHost })).rejects.toMatchObject({
      code: "BLOCKED_TARGET",
    });
    await expect(
      assertPublicTarget("http://169.254.169.254/latest/meta-data/", { policy: { allowPrivate: true } }),
    ).rejects.toMatchObject({
      code: "BLOCKED_TARGET",
    });
    // WHATWG URL parsing turns the numeric spellings of an address into the dotted quad first.
    await expect(assertPublicTarget("http://2130706433/", { policy: { allowPrivate: false } })).rejects.toMatchObject({
      code: "BLOCKED_TARGET",
    });
    await expect(assertPublicTarget("http://0x7f.1/", { policy: { allowPrivate: false } })).rejects.toMatchObject({
      code: "BLOCKED_TARGET",
    });
    await expect(assertPublicTarget("http://nowhere.test/", { resolveHost })).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
  });

  it("cachingResolveHost shares one query per name within its TTL and does not keep failures", async () => {
    const asked: string[] = [];
    const cached = cachingResolveHost(async (host) => {
      asked.push(host);
      return resolveHost(host);
    }, 60_000);
    await Promise.all([cached("public.test"), cached("PUBLIC.test"), cached("public.test")]);
    await expect(cached("nowhere.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
    await expect(cached("nowhere.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
    expect(asked).toEqual(["public.test", "nowhere.test", "nowhere.test"]);
  });
});
