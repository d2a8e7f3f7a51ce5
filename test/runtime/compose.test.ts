import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandNames } from '../../src/cli.ts';
import { configDocs, configSchema } from '../../src/config.ts';

/**
 * docker-compose.yml and the Dockerfile cannot run here (no Docker engine), so they are kept honest by reading
 * them against the code: commands, ports, health checks and every environment variable name.
 */

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[];
  ports?: (string | { target: number; published?: string | number })[];
  expose?: (string | number)[];
  environment?: Record<string, string | null> | string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string; required?: boolean }> | string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  stop_grace_period?: string;
}

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const services = compose.services;
const schemaNames = new Set(Object.keys(configSchema.shape));
const usedBy = new Map(configDocs.map((d) => [d.name as string, d.usedBy]));

function env(s: Service): Record<string, string | null> {
  if (Array.isArray(s.environment)) {
    return Object.fromEntries(s.environment.map((e) => {
      const i = e.indexOf('=');
      return i < 0 ? [e, null] : [e.slice(0, i), e.slice(i + 1)];
    }));
  }
  return s.environment ?? {};
}
const argv = (s: Service) => (Array.isArray(s.command) ? s.command : (s.command ?? '').split(/\s+/).filter(Boolean));
const entrypoint = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)![1]!) as string[];
const durationS = (t: string) => Number(/^(\d+)s$/.exec(t)![1]);

describe('docker-compose.yml', () => {
  it('has redis, bot, worker, and sandbox only under its profile', () => {
    expect(Object.keys(services).sort()).toEqual(['bot', 'redis', 'sandbox', 'worker']);
    for (const name of ['redis', 'bot', 'worker']) expect(services[name]!.profiles, name).toBeUndefined();
    expect(services.sandbox!.profiles).toEqual(['sandbox']);
  });

  it('redis persists with AOF on a named volume, never evicts, and is health-checked', () => {
    const r = services.redis!;
    const cmd = argv(r);
    expect(cmd[0]).toBe('redis-server');
    expect(cmd[cmd.indexOf('--appendonly') + 1]).toBe('yes');
    expect(cmd[cmd.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    expect(r.image).toMatch(/^redis:7/);
    const [vol, mount] = r.volumes![0]!.split(':');
    expect(mount).toBe('/data');
    expect(Object.keys(compose.volumes ?? {})).toContain(vol);
    expect(r.healthcheck?.test).toContain('ping');
  });

  it('every service command is a command of the CLI, run through the image entrypoint', () => {
    expect(entrypoint).toEqual(['node', 'bin/natmigrate.js']);
    const names = commandNames();
    expect(argv(services.bot!)).toEqual(['bot']);
    expect(argv(services.worker!)).toEqual(['worker']);
    // Every service runs the image's entrypoint as it is: the worker sizes its own heap, no node flags needed.
    for (const name of ['bot', 'worker', 'sandbox']) expect(services[name]!.entrypoint, name).toBeUndefined();
    expect(argv(services.sandbox!)[0]).toBe('sim');
    for (const name of ['bot', 'worker', 'sandbox']) expect(names, name).toContain(argv(services[name]!)[0]);
    const sim = argv(services.sandbox!);
    expect(sim[sim.indexOf('--host') + 1]).toBe('0.0.0.0');
    for (const name of ['bot', 'worker', 'sandbox']) expect(services[name]!.build, name).toBeDefined();
  });

  it('ports: the bot publishes PORT; the worker publishes nothing (so it scales) but exposes PORT for /metrics', () => {
    const botEnv = env(services.bot!);
    expect(botEnv.PORT).toMatch(/^\d+$/);
    const targets = services.bot!.ports!.map((p) => (typeof p === 'string' ? p.split(':').at(-1) : String(p.target)));
    expect(targets).toEqual([botEnv.PORT]);
    expect(services.worker!.ports).toBeUndefined();
    expect(services.worker!.expose?.map(String)).toEqual([env(services.worker!).PORT]);
    // The sandbox is reached by name on the compose network, not from the host.
    expect(services.sandbox!.ports).toBeUndefined();
    // The image's health check probes /healthz on PORT.
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*process\.env\.PORT\|\|3000[\s\S]*\/healthz/);
    expect(services.sandbox!.healthcheck?.disable).toBe(true);
  });

  it('every variable name is in the config schema (or a credentials-chain variable) and meant for that role', () => {
    for (const name of ['bot', 'worker']) {
      const e = env(services[name]!);
      expect(Object.keys(e).length).toBeGreaterThan(5);
      for (const [k, v] of Object.entries(e)) {
        expect(schemaNames.has(k) || /^ALIBABA_CLOUD_[A-Z_]+$/.test(k), `${name}: ${k} is not a configuration variable`).toBe(true);
        const role = usedBy.get(k);
        expect(role === 'both' || role === name, `${name}: ${k} is used by ${role}`).toBe(true);
        // Pass-through only (defaults live in src/config.ts), and only of the same name.
        for (const m of String(v ?? '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g)) expect(m[1], `${name}: ${k}`).toBe(k);
      }
    }
    // Least privilege: Slack secrets stay with the bot, cloud keys with the workers.
    expect(Object.keys(env(services.worker!)).filter((k) => k.startsWith('SLACK_'))).toEqual([]);
    expect(Object.keys(env(services.bot!)).filter((k) => k.startsWith('ALIBABA_CLOUD_'))).toEqual([]);
    expect(env(services.bot!)).toHaveProperty('NATMIGRATE_APPROVERS');
    expect(env(services.worker!)).toHaveProperty('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  });

  it('passes each role every variable it reads (a setting missing here is silently the default in Docker)', () => {
    for (const name of ['bot', 'worker'] as const) {
      const e = env(services[name]!);
      const reads = configDocs.filter((d) => d.usedBy === name || d.usedBy === 'both').map((d) => d.name as string);
      expect(reads.filter((n) => !(n in e)), `${name} lacks`).toEqual([]);
    }
  });

  it('bot and worker share Redis (which must be healthy first) and the queue prefix', () => {
    for (const name of ['bot', 'worker']) {
      const s = services[name]!;
      expect(env(s).REDIS_URL).toBe('redis://redis:6379');
      expect(env(s)).toHaveProperty('NATMIGRATE_QUEUE_PREFIX');
      expect((s.depends_on as Record<string, { condition: string }>).redis!.condition).toBe('service_healthy');
      // Docker's stop timeout must cover the graceful shutdown (default grace 30s + drain).
      expect(durationS(s.stop_grace_period ?? '10s')).toBeGreaterThan(30 + 5);
    }
    expect((services.worker!.depends_on as Record<string, { required?: boolean }>).sandbox!.required).toBe(false);
  });
});

describe('Dockerfile', () => {
  const stages = dockerfile.split(/^(?=FROM )/m).slice(1).map((text) => ({ name: /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(text)?.[1], text }));
  const finalStage = stages.at(-1)!.text;
  const copiesFrom = (stage: string | undefined) => [...finalStage.matchAll(/^COPY\s+(?:--from=(\S+)\s+)?(.+)$/gm)].filter((m) => m[1] === stage).map((m) => m[2]!.split(/\s+/));

  it('is multi-stage, installs production dependencies only, and runs as a non-root user', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f[1]).toMatch(/^node:20/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/COPY --from=deps /);
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe('node');
    // The USER line comes after the last COPY/RUN of the final stage.
    expect(finalStage.lastIndexOf('\nUSER ')).toBeGreaterThan(finalStage.lastIndexOf('\nCOPY '));
    expect(finalStage).not.toMatch(/^RUN /m);
    expect(/^CMD\s+\["all"\]/m.test(dockerfile)).toBe(true);
  });

  it('compiles in a build stage and runs the compiled code: the runtime stage has dist/, no src/ and no tsx', () => {
    const build = stages.find((s) => /^RUN npm run build$/m.test(s.text));
    expect(build?.name).toBeDefined();
    // The build stage has the dev dependencies (TypeScript) and the sources.
    expect(build!.text).toMatch(/^RUN npm ci(?![^\n]*--omit=dev)/m);
    expect(build!.text).toMatch(/^COPY src /m);
    expect(copiesFrom(build!.name!)).toEqual([['/app/dist', './dist']]);
    expect(copiesFrom('deps')).toEqual([['/app/node_modules', './node_modules']]);
    expect(copiesFrom(undefined).map(([from]) => from)).not.toContain('src');
    // The entry point runs dist/cli.js, and nothing installed for production brings tsx.
    const bin = readFileSync(new URL('../../bin/natmigrate.js', import.meta.url), 'utf8');
    expect(bin).toMatch(/import\('\.\.\/dist\/cli\.js'\)/);
    expect(bin).not.toMatch(/['"]tsx[/'"]/);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(Object.keys(pkg.devDependencies)).toContain('tsx');
  });
});
