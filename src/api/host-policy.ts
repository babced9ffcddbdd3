/**
 * Which Host and Origin headers the console accepts, against DNS rebinding: a page on
 * `evil.example` whose name is re-pointed at 127.0.0.1 reaches the console with
 * `Host: evil.example`, so only the names the server is really reached by are accepted — the
 * loopback names, the address the request arrived on (for a wildcard bind, the interface the
 * client connected to), and configured extra names. Ports are not compared: a rebinding page
 * controls the name, not the port. A request's Origin, when sent, must be the origin of its Host.
 */
import { isIP } from 'node:net';
import { ReckonError } from '../domain/errors.js';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/;

interface HostPort { readonly name: string; readonly port: number | null }

/** Splits a Host header (`name`, `name:port`, `[v6]:port`); null when it is not one. */
export function parseHost(header: string): HostPort | null {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/i.exec(header);
  if (!m) return null;
  const name = (m[1] ?? m[2]!).toLowerCase();
  if (m[1] !== undefined ? isIP(name) !== 6 : isIP(name) !== 4 && !DNS_NAME.test(name)) return null;
  const port = m[3] === undefined ? null : Number(m[3]);
  return port !== null && port > 65535 ? null : { name, port };
}

/**
 * A DNS name or IP address (an IPv6 one bare, as `--host` takes it, or bracketed) in the form
 * Host headers are compared in; null for anything else (a scheme, a port, a path).
 *
 * @example
 * hostName('Reckon.LAN') // 'reckon.lan'
 * hostName('http://reckon.lan') // null
 */
export function hostName(text: string): string | null {
  if (isIP(text) === 6) return text.toLowerCase();
  const parsed = parseHost(text);
  return parsed && parsed.port === null ? parsed.name : null;
}

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.5`, from a dual-stack bind) as plain IPv4. */
const unmapped = (address: string) => address.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

export class HostPolicy {
  private readonly names: ReadonlySet<string>;

  /**
   * @param extra further names the server is reached by (a DNS name or an IP address, no port).
   * @example
   * const hosts = new HostPolicy(['reckon.lan']);
   * hosts.allowsHost('reckon.lan:7400', '10.0.0.5') // true
   * hosts.allowsHost('evil.example', '127.0.0.1')  // false
   */
  constructor(extra: readonly string[]) {
    const names = new Set(LOOPBACK_NAMES);
    for (const raw of extra) {
      const name = hostName(raw);
      if (name === null) throw new ReckonError('USAGE', `allowedHosts: "${raw}" is not a host name or IP address (give the name only, without scheme or port)`);
      names.add(name);
    }
    this.names = names;
  }

  /** Whether a request with this Host header, arriving on `localAddress`, is for this server. */
  allowsHost(header: string | undefined, localAddress: string | undefined): boolean {
    const host = header === undefined ? null : parseHost(header);
    if (!host) return false;
    return this.names.has(host.name) || (localAddress !== undefined && unmapped(localAddress) === host.name);
  }

  /**
   * Whether an Origin header names the same origin as the (accepted) Host header. A Host
   * without a port is taken to use the default port of the Origin's scheme (behind a TLS proxy).
   */
  sameOrigin(origin: string, hostHeader: string): boolean {
    const host = parseHost(hostHeader);
    let url: URL;
    try { url = new URL(origin); } catch { return false; }
    if (!host || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.pathname !== '/' || url.search) return false;
    const defaultPort = url.protocol === 'https:' ? 443 : 80;
    const originName = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    return originName === host.name && (url.port === '' ? defaultPort : Number(url.port)) === (host.port ?? defaultPort);
  }
}
