// Referential and network consistency of a scenario: the world must be one the real cloud could be in (a DNAT entry
// on an EIP the NAT gateway does not own, an instance IP outside its vSwitch, … are refused).
import { cidrContains, cidrWithin, commaList, isReservedInVSwitch, lastUsableIp } from '../ip.ts';
import type { Scenario } from './scenario-schema.ts';

/** Referential and network consistency: the world must be one the real cloud could be in. */
export function crossCheck(s: Scenario): string[] {
  const p: string[] = [];
  const dup = (kind: string, ids: string[]) => {
    const seen = new Set<string>();
    for (const i of ids) { if (seen.has(i)) p.push(`${kind} "${i}" is declared twice`); seen.add(i); }
  };
  dup('vpc', s.vpcs.map((v) => v.vpcId));
  dup('vSwitch', s.vSwitches.map((v) => v.vSwitchId));
  dup('security group', s.securityGroups.map((g) => g.securityGroupId));
  dup('instance', s.instances.map((i) => i.instanceId));
  dup('EIP', s.eips.map((e) => e.allocationId));
  dup('EIP address', s.eips.map((e) => e.ipAddress));
  dup('NAT gateway', s.natGateways.map((n) => n.natGatewayId));
  dup('forward table', s.natGateways.map((n) => n.forwardTableId));
  dup('SNAT table', s.natGateways.map((n) => n.snatTableId));

  const vpcs = new Map(s.vpcs.map((v) => [v.vpcId, v]));
  const vsws = new Map(s.vSwitches.map((v) => [v.vSwitchId, v]));
  const sgs = new Map(s.securityGroups.map((g) => [g.securityGroupId, g]));
  const eipById = new Map(s.eips.map((e) => [e.allocationId, e]));

  s.vSwitches.forEach((v, i) => {
    const vpc = vpcs.get(v.vpcId);
    if (!vpc) p.push(`vSwitches[${i}].vpcId: VPC "${v.vpcId}" is not declared in vpcs`);
    else if (!cidrWithin(vpc.cidr, v.cidr)) p.push(`vSwitches[${i}].cidr: ${v.cidr} is not inside VPC ${vpc.vpcId} (${vpc.cidr})`);
  });
  s.securityGroups.forEach((g, i) => {
    if (!vpcs.has(g.vpcId)) p.push(`securityGroups[${i}].vpcId: VPC "${g.vpcId}" is not declared in vpcs`);
  });

  const privateIps = new Map<string, string>();
  s.instances.forEach((inst, i) => {
    const at = `instances[${i}]`;
    const vsw = vsws.get(inst.vSwitchId);
    if (!vsw) p.push(`${at}.vSwitchId: vSwitch "${inst.vSwitchId}" is not declared in vSwitches`);
    else if (!cidrContains(vsw.cidr, inst.privateIp) || isReservedInVSwitch(vsw.cidr, inst.privateIp)) {
      p.push(`${at}.privateIp: ${inst.privateIp} is not a usable address of vSwitch ${vsw.vSwitchId} (${vsw.cidr})`);
    }
    const other = privateIps.get(inst.privateIp);
    if (other) p.push(`${at}.privateIp: ${inst.privateIp} is already used by ${other}`);
    privateIps.set(inst.privateIp, inst.instanceId);
    inst.securityGroupIds.forEach((g, j) => {
      const sg = sgs.get(g);
      if (!sg) p.push(`${at}.securityGroupIds[${j}]: security group "${g}" is not declared in securityGroups`);
      else if (vsw && sg.vpcId !== vsw.vpcId) p.push(`${at}.securityGroupIds[${j}]: security group ${g} is in ${sg.vpcId}, the instance is in ${vsw.vpcId}`);
    });
  });

  const natOfEip = new Map<string, string>();
  const tables = new Map<string, { nat: (typeof s.natGateways)[number]; kind: 'forward' | 'snat' }>();
  s.natGateways.forEach((n, i) => {
    const at = `natGateways[${i}]`;
    if (!vpcs.has(n.vpcId)) p.push(`${at}.vpcId: VPC "${n.vpcId}" is not declared in vpcs`);
    const vsw = vsws.get(n.vSwitchId);
    if (!vsw) p.push(`${at}.vSwitchId: vSwitch "${n.vSwitchId}" is not declared in vSwitches`);
    else if (vsw.vpcId !== n.vpcId) p.push(`${at}.vSwitchId: vSwitch ${n.vSwitchId} is in ${vsw.vpcId}, the NAT gateway in ${n.vpcId}`);
    n.eips.forEach((a, j) => {
      if (!eipById.has(a)) p.push(`${at}.eips[${j}]: EIP "${a}" is not declared in eips`);
      const owner = natOfEip.get(a);
      if (owner) p.push(`${at}.eips[${j}]: EIP ${a} is already bound to ${owner}`);
      natOfEip.set(a, n.natGatewayId);
    });
    tables.set(n.forwardTableId, { nat: n, kind: 'forward' });
    tables.set(n.snatTableId, { nat: n, kind: 'snat' });
  });
  for (const n of s.natGateways) {
    const vsw = vsws.get(n.vSwitchId);
    const natIp = vsw ? lastUsableIp(vsw.cidr) : undefined;
    const clash = s.instances.find((i) => i.privateIp === natIp);
    if (clash) p.push(`instances[${s.instances.indexOf(clash)}].privateIp: ${natIp} is NAT gateway ${n.natGatewayId}'s own address (the last usable one of ${vsw!.cidr})`);
  }
  const natOfIp = new Map<string, string>();
  for (const e of s.eips) { const n = natOfEip.get(e.allocationId); if (n) natOfIp.set(e.ipAddress, n); }
  s.instances.forEach((inst, i) => {
    if (inst.eipAddress && natOfIp.has(inst.eipAddress)) {
      p.push(`instances[${i}].eipAddress: ${inst.eipAddress} is bound to NAT gateway ${natOfIp.get(inst.eipAddress)}`);
    }
  });

  const snatIps = new Set<string>();
  s.snatEntries.forEach((e, i) => {
    const at = `snatEntries[${i}]`;
    const t = tables.get(e.snatTableId);
    if (!t || t.kind !== 'snat') { p.push(`${at}.snatTableId: no NAT gateway has SNAT table "${e.snatTableId}"`); return; }
    for (const one of commaList(e.snatIp)) {
      snatIps.add(one);
      if (natOfIp.get(one) !== t.nat.natGatewayId) p.push(`${at}.snatIp: ${one} is not an EIP of NAT gateway ${t.nat.natGatewayId}`);
    }
    if (e.sourceVSwitchId) {
      const vsw = vsws.get(e.sourceVSwitchId);
      if (!vsw) p.push(`${at}.sourceVSwitchId: vSwitch "${e.sourceVSwitchId}" is not declared in vSwitches`);
      else if (vsw.vpcId !== t.nat.vpcId) p.push(`${at}.sourceVSwitchId: vSwitch ${vsw.vSwitchId} is not in ${t.nat.vpcId}`);
    }
  });

  const byExternalIp = new Map<string, number[]>();
  const extKeys = new Map<string, number>();
  const intKeys = new Map<string, number>();
  s.dnatEntries.forEach((e, i) => {
    const at = `dnatEntries[${i}]`;
    const t = tables.get(e.forwardTableId);
    if (!t || t.kind !== 'forward') { p.push(`${at}.forwardTableId: no NAT gateway has forward table "${e.forwardTableId}"`); return; }
    if (natOfIp.get(e.externalIp) !== t.nat.natGatewayId) p.push(`${at}.externalIp: ${e.externalIp} is not an EIP of NAT gateway ${t.nat.natGatewayId}`);
    if (snatIps.has(e.externalIp)) p.push(`${at}.externalIp: ${e.externalIp} is also used by an SNAT entry`);
    const vpc = vpcs.get(t.nat.vpcId);
    if (vpc && !cidrContains(vpc.cidr, e.internalIp)) p.push(`${at}.internalIp: ${e.internalIp} is outside VPC ${vpc.vpcId} (${vpc.cidr})`);
    const proto = e.ipProtocol.toLowerCase();
    if (proto === 'any' && (e.externalPort.toLowerCase() !== 'any' || e.internalPort.toLowerCase() !== 'any')) {
      p.push(`${at}: an entry with ipProtocol Any must have externalPort and internalPort Any`);
    }
    const ext = `${e.forwardTableId}|${e.externalIp}|${e.externalPort.toLowerCase()}|${proto}`;
    const int = `${e.forwardTableId}|${e.internalIp}|${e.internalPort.toLowerCase()}|${proto}`;
    if (extKeys.has(ext)) p.push(`${at}: same externalIp/externalPort/ipProtocol as dnatEntries[${extKeys.get(ext)}]`);
    if (intKeys.has(int)) p.push(`${at}: same internalIp/internalPort/ipProtocol as dnatEntries[${intKeys.get(int)}]`);
    extKeys.set(ext, i);
    intKeys.set(int, i);
    byExternalIp.set(e.externalIp, [...(byExternalIp.get(e.externalIp) ?? []), i]);
  });
  for (const [addr, idx] of byExternalIp) {
    if (idx.length > 1 && idx.some((i) => s.dnatEntries[i]!.ipProtocol.toLowerCase() === 'any')) {
      p.push(`dnatEntries[${idx.join(', ')}]: ${addr} is used by an IP mapping, so no other DNAT entry may use it`);
    }
  }
  return p;
}
