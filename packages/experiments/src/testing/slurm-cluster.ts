import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'scontrol'];

/** Where a command lives, looking in the sbin folders too (Debian puts the daemons there). */
export function findBinary(name: string): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin']) {
    const p = path.join(dir, name);
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

/** Why a local Slurm cluster cannot start here, or null when it can. */
export function slurmUnavailable(): string | null {
  const missing = BINARIES.filter((b) => !findBinary(b));
  if (missing.length) return `Slurm is not installed (missing ${missing.join(', ')}; apt-get install slurm-wlm munge)`;
  if (process.getuid && process.getuid() !== 0) return 'the local Slurm cluster test runs slurmd as root';
  return null;
}

/** A one-node Slurm cluster on localhost: munged, slurmctld and slurmd with a generated slurm.conf in a temp folder. */
export class LocalSlurmCluster {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  private daemons: ChildProcess[] = [];

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-slurm-'));
    this.env = { ...process.env, SLURM_CONF: path.join(this.dir, 'slurm.conf') };
  }

  async start(): Promise<void> {
    const d = this.dir;
    for (const sub of ['state', 'spool', 'log']) fs.mkdirSync(path.join(d, sub));
    fs.chmodSync(d, 0o700);
    const key = path.join(d, 'munge.key');
    fs.writeFileSync(key, Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 131 + 7) % 256)), { mode: 0o400 });
    const munged = spawnSync(findBinary('munged') as string, ['--force', `--key-file=${key}`, `--socket=${d}/munge.sock`, `--pid-file=${d}/munged.pid`, `--log-file=${d}/munged.log`, `--seed-file=${d}/munged.seed`], { encoding: 'utf8' });
    if (munged.status !== 0) throw new Error(`munged failed: ${munged.stderr}`);
    const host = os.hostname();
    const port = 20000 + Math.floor(Math.random() * 20000);
    fs.writeFileSync(
      path.join(d, 'slurm.conf'),
      [
        'ClusterName=afltest',
        `SlurmctldHost=${host}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        `SlurmctldPort=${port}`,
        `SlurmdPort=${port + 1}`,
        'AuthType=auth/munge',
        `AuthInfo=socket=${d}/munge.sock`,
        'CredType=cred/munge',
        `StateSaveLocation=${d}/state`,
        `SlurmdSpoolDir=${d}/spool`,
        `SlurmctldPidFile=${d}/slurmctld.pid`,
        `SlurmdPidFile=${d}/slurmd.pid`,
        `SlurmctldLogFile=${d}/log/slurmctld.log`,
        `SlurmdLogFile=${d}/log/slurmd.log`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'MpiDefault=none',
        'JobRequeue=1',
        'ReturnToService=2',
        'SchedulerType=sched/backfill',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        'JobAcctGatherType=jobacct_gather/none',
        `NodeName=${host} CPUs=${Math.max(2, os.cpus().length)} RealMemory=4000 State=UNKNOWN`,
        'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    for (const daemon of ['slurmctld', 'slurmd']) {
      this.daemons.push(spawn(findBinary(daemon) as string, ['-D', '-f', path.join(d, 'slurm.conf')], { env: this.env, stdio: 'ignore' }));
    }
    for (let i = 0; i < 60; i++) {
      const r = spawnSync(findBinary('sinfo') ?? 'sinfo', ['-h', '-o', '%t'], { env: this.env, encoding: 'utf8' });
      if (r.status === 0 && /idle|mix|alloc/.test(r.stdout)) return;
      await new Promise((res) => setTimeout(res, 500));
    }
    throw new Error(`the local Slurm cluster did not come up; see ${d}/log`);
  }

  run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(findBinary(command) as string, args, { env: this.env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  stop(): void {
    for (const p of this.daemons) p.kill('SIGTERM');
    const pid = Number(fs.readFileSync(path.join(this.dir, 'munged.pid'), 'utf8').trim());
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  }
}
