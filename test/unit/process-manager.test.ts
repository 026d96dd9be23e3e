/** Under a process manager: which processes count as cluster workers, and memory sessions refused there. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { isClusterWorker, pm2ProcessOf, refuseUnsharedState } from '../../src/ops/process-manager.ts';

// What PM2 7 puts in a cluster worker's environment (its pm2_env, copied by lib/ProcessContainer.js).
const pm2Cluster = { pm_id: '1', exec_mode: 'cluster_mode', instances: '2', NODE_APP_INSTANCE: '1', name: 'blog-server' };
const pm2Fork = (instances: string) => ({ pm_id: '0', exec_mode: 'fork_mode', instances, NODE_APP_INSTANCE: '0' });
const configWith = (store: string) => loadConfig({ cwd: '/nonexistent', env: { SESSION_STORE: store } });

describe('process manager', () => {
  it('reads what PM2 tells its processes', () => {
    assert.deepEqual(pm2ProcessOf(pm2Cluster), { id: '1', mode: 'cluster', instances: 2 });
    assert.deepEqual(pm2ProcessOf(pm2Fork('1')), { id: '0', mode: 'fork', instances: 1 });
    assert.equal(pm2ProcessOf({}), undefined);
  });

  it('counts PM2 cluster workers, several fork instances and node:cluster workers as cluster workers', () => {
    assert.equal(isClusterWorker(pm2Cluster, false), true);
    assert.equal(isClusterWorker({ ...pm2Cluster, instances: '1' }, false), true, 'a reload runs two side by side');
    assert.equal(isClusterWorker(pm2Fork('3'), false), true);
    assert.equal(isClusterWorker(pm2Fork('1'), false), false);
    assert.equal(isClusterWorker({}, true), true);
    assert.equal(isClusterWorker({}, false), false);
  });

  it('refuses memory sessions in a cluster with a ConfigError naming SESSION_STORE and the way out', () => {
    assert.throws(
      () => refuseUnsharedState(configWith('memory'), pm2Cluster, false),
      (error: unknown) => error instanceof ConfigError && /^SESSION_STORE: memory .*PM2 process 1 of 2 \(cluster mode\).*Use sqlite .* or redis/.test(error.message),
    );
    assert.throws(() => refuseUnsharedState(configWith('memory'), {}, true), /SESSION_STORE: memory .*a worker of a node:cluster/);
  });

  it('accepts shared stores in a cluster, and memory in a single process', () => {
    refuseUnsharedState(configWith('sqlite'), pm2Cluster, false);
    refuseUnsharedState(configWith('memory'), pm2Fork('1'), false);
    refuseUnsharedState(configWith('memory'), {}, false);
  });
});
