import type { BackendsReport } from '@afl/backend';

/** `afl doctor`'s text: versions, each backend available or not and why, the automatic pick. */
export function formatDoctor(r: BackendsReport): string {
  const lines: string[] = [];
  lines.push(`Node ${r.node} (${r.platform}); CPU ${r.cpu.model}, ${r.cpu.cores} cores, SIMD: ${r.cpu.flags.join(' ') || 'unknown'}`);
  lines.push('Packages:');
  for (const [p, v] of Object.entries(r.packages)) lines.push(`  ${p.padEnd(32)} ${v ?? 'not installed'}`);
  lines.push('Backends:');
  for (const b of r.backends) {
    lines.push(`  ${b.backend.padEnd(11)} ${b.available ? 'available  ' : 'unavailable'}  ${b.detail}`);
    if (b.adapter != null) {
      const a = b.adapter;
      lines.push(`              adapter: ${a.vendor} / ${a.architecture} / ${a.device}${a.driver ? `, driver ${a.driver}` : ''}; software: ${a.isSoftware ? `yes (${a.softwareReason})` : 'no'}`);
      lines.push(`              limits: maxBufferSize ${a.limits.maxBufferSize}, maxStorageBufferBindingSize ${a.limits.maxStorageBufferBindingSize}`);
    }
    if (b.backend === 'wasm') {
      lines.push(`              SIMD ${b.simd ? 'on' : 'off'}, ${b.threads ?? 1} thread; native kernels ${b.native?.enabled ? 'on' : 'off'} (${b.native?.why})`);
    }
  }
  lines.push(`Automatic choice (AFL_BACKEND unset): ${r.automatic.backend}${r.automatic.reason ? ` (${r.automatic.reason})` : ''}`);
  return `${lines.join('\n')}\n`;
}
