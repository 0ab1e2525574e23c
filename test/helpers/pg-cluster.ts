/**
 * The throw-away PostgreSQL cluster of the tests (issue 16: never a mock), with types. The code
 * is plain JavaScript in scripts/pg-cluster.mjs, so that the benchmarks start the same cluster.
 */
import * as impl from '../../scripts/pg-cluster.mjs';

export interface Cluster {
  /** postgres://payrecon_test:<password>@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  password: string;
  dataDir: string;
  /** The private directory holding the data, the socket and the server log. */
  root: string;
  /** `pg_ctl stop -m <mode>`: fast for teardown, immediate to play a crashed server. */
  stop(mode?: 'fast' | 'immediate'): void;
  /** Start it again after stop() (same data, same port). */
  start(): void;
}

export const postgresBinDir: () => string | null = impl.postgresBinDir;
/** Why the PostgreSQL tests are skipped on this machine, or null when they can run. */
export const postgresMissing: () => string | null = impl.postgresMissing;
export const startCluster: () => Promise<Cluster> = impl.startCluster;
/** Stop the server and delete its directory. */
export const destroyCluster: (c: Cluster) => void = impl.destroyCluster;
/** The same URL naming another database on that server. */
export const withDatabase: (url: string, name: string) => string = impl.withDatabase;
/** Create a fresh, empty database on the cluster at `url`; its URL. */
export const createDatabase: (url: string, prefix?: string) => Promise<string> = impl.createDatabase;
