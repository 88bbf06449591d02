import { describe, expect, it } from "vitest";
import { Peer } from "../../components/peer.js";
import { Port } from "../../components/port.js";
import { Protocol } from "../../components/protocol.js";
import { makeRules } from "../../components/rule.js";
import { sel } from "../../src/model/selector/index.js";
import { userErrorOf } from "./helpers.js";

describe("Protocol", () => {
  it("reads names case-insensitively and prints Calico's spelling", () => {
    expect(Protocol.of("icmpv6").value).toBe("ICMPv6");
    expect(Protocol.of("tcp")).toBe(Protocol.TCP);
  });
  it("maps numbers of named protocols to the name and keeps other numbers", () => {
    expect(Protocol.of(6)).toBe(Protocol.TCP);
    expect(Protocol.of(4).value).toBe(4);
    expect(Protocol.IPIP.toString()).toBe("protocol 4");
  });
  it("knows which protocols carry ports", () => {
    expect([Protocol.TCP, Protocol.UDP, Protocol.SCTP].every((p) => p.hasPorts)).toBe(true);
    expect([Protocol.ICMP, Protocol.IPIP].some((p) => p.hasPorts)).toBe(false);
  });
  it("rejects an unknown name and an out-of-range number with a hint", () => {
    expect(userErrorOf(() => Protocol.of("HTTP"))).toMatch(/unknown protocol \(value: "HTTP"\)\. Hint: use one of TCP, UDP/);
    expect(userErrorOf(() => Protocol.of(256))).toMatch(/IP protocol number out of range \(value: 256\)/);
  });
});

describe("Port", () => {
  it("prints readable descriptions", () => {
    expect(Port.tcp(6379).toString()).toBe("TCP 6379");
    expect(Port.tcpRange(4500, 4800).toString()).toBe("TCP 4500-4800");
    expect(Port.allUdp().toString()).toBe("all UDP");
    expect(Port.icmp({ type: 8, code: 0 }).toString()).toBe("ICMP type 8 code 0");
    expect(Port.protocol(Protocol.IPIP).toString()).toBe("protocol 4");
  });
  it("writes ranges in Calico's from:to form and a one-port range as a number", () => {
    expect(Port.tcpRange(4500, 4800).port).toBe("4500:4800");
    expect(Port.udpRange(53, 53).port).toBe(53);
  });
  it("rejects port 70000 with the value and a hint", () => {
    const msg = userErrorOf(() => Port.tcp(70000));
    expect(msg).toContain("port out of range 1-65535 (value: 70000)");
    expect(msg).toContain("Hint: TCP, UDP and SCTP ports are integers 1-65535");
  });
  it("rejects a reversed range, a bad named port and ports on ICMP", () => {
    expect(userErrorOf(() => Port.tcpRange(4800, 4500))).toMatch(/port range is reversed \(value: "4800:4500"\)/);
    expect(userErrorOf(() => Port.named(Protocol.TCP, "Metrics_Port"))).toMatch(/not a valid named port/);
    // Kubernetes IsValidPortName also forbids consecutive '-' and names over 15 characters.
    expect(userErrorOf(() => Port.named(Protocol.TCP, "http--alt"))).toMatch(/not a valid named port: must not contain consecutive '-'/);
    expect(userErrorOf(() => Port.named(Protocol.TCP, "a-very-long-port"))).toMatch(/not a valid named port: must be 1 to 15 characters long/);
    expect(Port.named(Protocol.TCP, "http-alt").toString()).toBe("TCP http-alt");
    expect(userErrorOf(() => Port.of(Protocol.ICMP, 8))).toMatch(/only TCP, UDP and SCTP carry ports/);
    expect(userErrorOf(() => Port.icmp({ type: 255 }))).toMatch(/ICMP type out of range 0-254/);
  });
  it("has the well-known control-plane ports", () => {
    expect([Port.KUBE_APISERVER, Port.TYPHA, Port.BGP, Port.KUBELET, Port.CALICO_APISERVER].map(String)).toEqual([
      "TCP 6443",
      "TCP 5473",
      "TCP 179",
      "TCP 10250",
      "TCP 5443",
    ]);
    expect(Port.VXLAN.toString()).toBe("UDP 4789");
  });
});

describe("Peer", () => {
  it("scopes every peer explicitly to namespaces or to global resources", () => {
    expect(Peer.namespace("fme").toEntityRule()).toEqual({ namespaceSelector: 'kubernetes.io/metadata.name == "fme"' });
    expect(Peer.pods(sel.eq("app", "core"), { namespace: "fme" }).toEntityRule()).toEqual({
      selector: 'app == "core"',
      namespaceSelector: 'kubernetes.io/metadata.name == "fme"',
    });
    expect(Peer.pods(sel.eq("k8s-app", "kube-dns")).toEntityRule()).toMatchObject({ namespaceSelector: "all()" });
    expect(Peer.hosts().toEntityRule()).toEqual({ selector: "has(kubernetes.io/os)", namespaceSelector: "global()" });
    expect(Peer.serviceAccount("calico-monitoring", "calico-prometheus-user").toEntityRule()).toEqual({
      namespaceSelector: 'kubernetes.io/metadata.name == "calico-monitoring"',
      serviceAccounts: { names: ["calico-prometheus-user"] },
    });
  });
  it("prints what it selects", () => {
    expect(Peer.pods(sel.eq("app", "core"), { namespace: "fme" }).toString()).toBe('pods app == "core" in namespace fme');
    expect(Peer.nets("10.0.0.50/32").toString()).toBe("nets 10.0.0.50/32");
  });
  it("selects namespaced network sets like pods of their namespace, and says so", () => {
    const sets = Peer.networkSets(sel.eq("role", "db"), "fme");
    expect(sets.toEntityRule()).toEqual(Peer.pods(sel.eq("role", "db"), { namespace: "fme" }).toEntityRule());
    expect(sets.toString()).toBe('network sets role == "db" in namespace fme');
    expect(() => Peer.networkSets(sel.eq("role", "db"), "Fme")).toThrow(/not a valid namespace name/);
  });
  it("normalises nets and reads a bare address as a single host", () => {
    expect(Peer.nets("10.0.0.50").toEntityRule()).toEqual({ nets: ["10.0.0.50/32"] });
    expect(Peer.nets("fd00::/64").ipVersion).toBe(6);
  });
  it("rejects a CIDR typo, with a hint", () => {
    const msg = userErrorOf(() => Peer.nets("10.0.0.300/24"));
    expect(msg).toContain('nets[0]: not a valid CIDR (value: "10.0.0.300/24")');
    expect(msg).toContain("Hint: write an IPv4 or IPv6 block");
  });
  it("suggests the network when host bits are set", () => {
    expect(userErrorOf(() => Peer.nets("10.1.2.3/8"))).toContain("Did you mean 10.0.0.0/8?");
  });
  it("reports every bad CIDR at once and refuses to mix IP versions", () => {
    const msg = userErrorOf(() => Peer.nets("10.0.0.0/33", "1.2.3"));
    expect(msg).toContain("nets[0]");
    expect(msg).toContain("nets[1]");
    expect(userErrorOf(() => Peer.nets("10.0.0.0/8", "fd00::/8"))).toMatch(/IPv4 and IPv6 CIDRs mixed/);
  });
  it("turns a bad selector from configuration into a UserError naming where it came from", () => {
    const msg = userErrorOf(() => Peer.selector('app == "core', "policies.extraPeers[0]"));
    expect(msg).toContain("policies.extraPeers[0]: invalid selector");
  });
  it("rejects invalid namespace names", () => {
    expect(userErrorOf(() => Peer.namespace("Kube_System"))).toMatch(/namespace: not a valid namespace name/);
  });
});

describe("makeRules", () => {
  it("puts ports on the destination for ingress and egress and groups them by protocol", () => {
    const peer = Peer.namespace("a");
    expect(makeRules("ingress", "Allow", peer, [Port.tcp(1), Port.udp(2), Port.tcp(3)])).toEqual([
      { action: "Allow", protocol: "TCP", source: peer.toEntityRule(), destination: { ports: [1, 3] } },
      { action: "Allow", protocol: "UDP", source: peer.toEntityRule(), destination: { ports: [2] } },
    ]);
    expect(makeRules("egress", "Deny", peer, [Port.tcp(1)])).toEqual([
      { action: "Deny", protocol: "TCP", destination: { ...peer.toEntityRule(), ports: [1] } },
    ]);
  });
  it("lets all-ports win over single ports of the same protocol", () => {
    expect(makeRules("egress", "Allow", undefined, [Port.tcp(1), Port.allTcp()])).toEqual([{ action: "Allow", protocol: "TCP" }]);
  });
  it("refuses ICMP of one IP version towards nets of the other", () => {
    expect(userErrorOf(() => makeRules("egress", "Allow", Peer.nets("fd00::/64"), [Port.icmp({ type: 8 })]))).toMatch(
      /ICMP is IPv4 but the peer's nets are IPv6.*Hint: use Port.icmpv6\(\) for IPv6 peers/s,
    );
  });
  it("sets ipVersion for ICMP matches and omits ports for a services destination", () => {
    expect(makeRules("egress", "Allow", undefined, [Port.icmpv6({ type: 128 })])).toEqual([
      { action: "Allow", protocol: "ICMPv6", icmp: { type: 128 }, ipVersion: 6 },
    ]);
    expect(makeRules("egress", "Allow", Peer.service("default", "kubernetes"), [Port.tcp(443)])).toEqual([
      { action: "Allow", destination: { services: { name: "kubernetes", namespace: "default" } } },
    ]);
  });
});
