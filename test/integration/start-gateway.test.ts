/**
 * gateway-config/start.cjs itself, beyond what every suite relies on (the global setup starts the
 * suite's gateway with it): the `env` option that passes settings without an option of their own
 * to Janus (run-janus.sh), and its refusal of the variables the options set.
 */
import { readFileSync } from 'node:fs';
import { startGateway } from '../../gateway-config/start.cjs';

/** The environment a process was started with (Linux). */
const environmentOf = (pid: number): string[] => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

test('env: its variables reach Janus over process.env, and one given as undefined is removed', async () => {
  process.env.KT_START_TEST_INHERITED = 'from-process-env';
  try {
    const gw = await startGateway({
      freePorts: true,
      quiet: true,
      env: { KT_START_TEST_EXTRA: 'from-env-option', KT_START_TEST_INHERITED: undefined },
    });
    try {
      const environment = environmentOf(gw.pid);
      expect(environment).toContain('KT_START_TEST_EXTRA=from-env-option');
      expect(environment.filter((v) => v.startsWith('KT_START_TEST_INHERITED='))).toEqual([]);
    } finally {
      await gw.stop();
    }
  } finally {
    delete process.env.KT_START_TEST_INHERITED;
  }
});

test('env may not set what an option sets: startGateway rejects before starting Janus, naming it', async () => {
  await expect(startGateway({ freePorts: true, quiet: true, env: { JANUS_ADMIN_SECRET: 'other', KT_FINE: '1' } })).rejects.toThrow(
    /env may not set JANUS_ADMIN_SECRET; use the matching startGateway options/,
  );
});
