/**
 * A gateway of the test's own whose media path is really impaired: every RTP/RTCP/STUN/DTLS
 * datagram between the pages and Janus goes through a lossy UDP relay in the test process, whose
 * loss can be changed at any time (this machine's kernel has no netem).
 *
 * How (each part measured on Janus 1.1.2 and Chromium on one host):
 * - An alias address (from 198.18.0.0/15, the benchmarking range) is added to the machine's real
 *   interface. On `lo` it does not work: Janus's sockets are tied to the real interface, so its
 *   answers to a loopback alias never arrive.
 * - Janus runs on a small `rtp_port_range`, advertises the alias as its 1:1 NAT address
 *   (`nat_1_1_mapping`) with ICE Lite, and gathers nothing on the alias itself
 *   (`ice_ignore_list`). The relay binds the alias on every port of the range and forwards to
 *   Janus's real address on the same port.
 * - The pages get no camera permission (`useMembers({ mediaPermission: false })`, publishing a
 *   canvas): Chromium then hides its host addresses behind mDNS names, which Janus ignores
 *   (`ignore_mdns`). Janus learns a page only as the relay address its checks come from, and the
 *   page knows Janus only at the alias: there is no other path for ICE to pick. (With camera
 *   permission, Janus checks the page's real addresses and ICE selects the direct pair.)
 * The gateway is a whole one from startGateway, Janus and its guard: the pages' signalling goes
 * through the guard (`gateway.wsUrl`); only the media takes the impaired path.
 * Adding the alias needs root (or password-less sudo); it is removed again by `close()`.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { startGateway, type Gateway } from '../../gateway-config/start.cjs';
import { freeUdpPortRange, startLossyUdpRelay, type LossyUdpRelay } from './lossy-udp-relay';

export interface LossyGateway {
  gateway: Gateway;
  relay: LossyUdpRelay;
  /** The address the gateway advertises: the relay. */
  alias: string;
  close(): Promise<void>;
}

/** The machine's first non-loopback IPv4 address and its interface (where Janus and Chromium meet). */
function realAddress(): { iface: string; address: string } {
  for (const [iface, addresses] of Object.entries(os.networkInterfaces())) {
    const v4 = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return { iface, address: v4.address };
  }
  throw new Error('no non-loopback IPv4 address on this machine: Janus and Chromium cannot meet');
}

function ip(args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  try {
    execFileSync(asRoot ? 'ip' : 'sudo', asRoot ? args : ['-n', 'ip', ...args], { stdio: 'pipe' });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? err);
    if (args[1] === 'add' && /exists/i.test(stderr)) return; // left by an interrupted run: ours to reuse
    throw new Error(`ip ${args.join(' ')} failed (this test needs root or password-less sudo): ${stderr}`);
  }
}

export async function startLossyGateway({ logFile, ports = 16 }: { logFile: string; ports?: number }): Promise<LossyGateway> {
  const { iface, address } = realAddress();
  const alias = `198.18.${1 + (process.pid % 250)}.1`;
  ip(['addr', 'add', `${alias}/32`, 'dev', iface]);
  const removeAlias = () => {
    try {
      ip(['addr', 'del', `${alias}/32`, 'dev', iface]);
    } catch {
      /* already gone */
    }
  };
  // Never leave the alias behind, even if the test process dies without running close().
  process.once('exit', removeAlias);
  let relay: LossyUdpRelay | undefined;
  try {
    const range = await freeUdpPortRange(ports, [alias, address]);
    relay = await startLossyUdpRelay({ listenHost: alias, targetHost: address, ports: range });
    const gateway = await startGateway({
      freePorts: true,
      quiet: true,
      logFile,
      rtpPortRange: `${range[0]}-${range[range.length - 1]}`,
      natMapping: alias,
      iceLite: true,
      iceIgnoreList: `vmnet,${alias}`,
    });
    const started = relay;
    return {
      gateway,
      relay: started,
      alias,
      close: async () => {
        await gateway.stop();
        await started.close();
        removeAlias();
        process.off('exit', removeAlias);
      },
    };
  } catch (err) {
    await relay?.close();
    removeAlias();
    process.off('exit', removeAlias);
    throw err;
  }
}
