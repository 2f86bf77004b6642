// --platform (docker's os[/arch[/variant]]): mydocker runs images for its own platform only, so a
// platform is checked against the host's; the CLI and the Engine API's create?platform= share this.
import { InvalidArgumentError } from '../errors/errors';

const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function hostPlatform(): string {
  return `linux/${NODE_ARCH[process.arch] ?? process.arch}`;
}

/** os[/arch[/variant]], normalized as docker's platforms package does for the usual spellings. */
export function normalizePlatform(text: string): string {
  const parts = text.toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_-]+$/.test(p))) {
    throw new InvalidArgumentError(`invalid platform "${text}": expected os[/arch[/variant]]`);
  }
  const arch = ({ x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', i386: '386' } as Record<string, string>)[parts[1] ?? ''] ?? parts[1];
  const host = hostPlatform().split('/');
  return [parts[0], arch ?? host[1]].join('/');
}

/** mydocker runs images for its own platform only: another one is refused in one line. */
export function checkPlatform(text: string): string {
  const wanted = normalizePlatform(text);
  if (wanted !== hostPlatform()) {
    throw new InvalidArgumentError(`image platform ${wanted} does not match the host platform ${hostPlatform()}: mydocker runs images for its own platform only`);
  }
  return wanted;
}
