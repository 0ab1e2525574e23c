/**
 * Vitest global setup: one throw-away PostgreSQL cluster per run (test/helpers/pg-cluster.ts),
 * its URL provided to every test file as `inject('pgUrl')`, null when this machine has no
 * PostgreSQL server (those tests then skip, saying why). A test that stops or crashes a server
 * starts its own cluster instead of this shared one.
 */
import type { TestProject } from 'vitest/node';
import { destroyCluster, postgresMissing, startCluster, type Cluster } from '../helpers/pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  let cluster: Cluster | null = null;
  if (postgresMissing() === null) cluster = await startCluster();
  project.provide('pgUrl', cluster?.url ?? null);
  return () => {
    if (cluster) destroyCluster(cluster);
  };
}
