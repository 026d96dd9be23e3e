/**
 * The order of the run, one server at a time. Each engine is measured right after the bare app it is
 * held against, and its 100k and 1k lists back to back, so ratios compare neighbours in time; writes
 * come last, so every read sees the seeded data only.
 */
import { datasetNames, type BackendKind, type DatasetName } from './databases.ts';
import { endpointNames, type EndpointName } from './endpoints.ts';
import { blogServer, courseMysql, imitatedBy, rawCeiling, referenceOf, type ServerSpec } from './lineup.ts';

export interface Step {
  server: ServerSpec;
  dataset: DatasetName;
  endpoints: EndpointName[];
}

const reads: EndpointName[] = ['detail', 'list', 'list-author'];

export class PlanError extends Error {}

/** Steps that change the database (`create`; `login` adds sessions) run after every round of reads. */
export function writes(step: Step): boolean {
  return step.endpoints.some((name) => name === 'create' || name === 'login');
}

export function fullPlan(engines: readonly string[], backend: BackendKind): Step[] {
  const steps: Step[] = [{ server: rawCeiling, dataset: '100k', endpoints: ['detail'] }];
  for (const engine of engines) {
    const reference = referenceOf(engine, backend);
    // The bare node:http server answers the list pages too (with X-Total-Count and Link): native's lists are held against it at both sizes.
    const referenceReads: EndpointName[] = engine === 'native' ? reads : ['detail'];
    if (reference) steps.push({ server: reference, dataset: '100k', endpoints: referenceReads });
    steps.push({ server: blogServer(engine), dataset: '100k', endpoints: reads });
    steps.push({ server: blogServer(engine), dataset: '1k', endpoints: [...reads].reverse() });
    if (reference && engine === 'native') steps.push({ server: reference, dataset: '1k', endpoints: [...referenceReads].reverse() });
  }
  if (engines.includes('native')) steps.push({ server: blogServer('native', 'combined'), dataset: '100k', endpoints: ['detail'] });
  // The teaching engines are measured on reads only: the detail and list table is where they stand beside the real frameworks.
  if (engines.includes('native')) steps.push({ server: courseMysql, dataset: '100k', endpoints: ['create'] });
  for (const engine of engines.filter((name) => imitatedBy(name) === undefined)) steps.push({ server: blogServer(engine), dataset: '100k', endpoints: ['login', 'create'] });
  return steps;
}

/**
 * Keeps what `BENCH_ONLY` names: tokens are endpoint, server or dataset names; within a kind any
 * token matches, across kinds all must (`native,detail` = native's detail reads).
 */
export function filterPlan(steps: Step[], only: readonly string[]): Step[] {
  if (only.length === 0) return steps;
  const servers = [...new Set(steps.map((step) => step.server.name))];
  const named = (names: readonly string[]) => only.filter((token) => names.includes(token));
  const wantedServers = named(servers);
  const wantedEndpoints = named(endpointNames);
  const wantedDatasets = named(datasetNames);
  const unknown = only.filter((token) => ![...wantedServers, ...wantedEndpoints, ...wantedDatasets].includes(token));
  if (unknown.length > 0) {
    throw new PlanError(`BENCH_ONLY: unknown ${unknown.join(', ')} (endpoints: ${endpointNames.join(', ')}; servers: ${servers.join(', ')}; datasets: ${datasetNames.join(', ')})`);
  }
  const kept: Step[] = [];
  for (const step of steps) {
    if (wantedServers.length > 0 && !wantedServers.includes(step.server.name)) continue;
    if (wantedDatasets.length > 0 && !wantedDatasets.includes(step.dataset)) continue;
    const endpoints = wantedEndpoints.length > 0 ? step.endpoints.filter((name) => wantedEndpoints.includes(name)) : step.endpoints;
    if (endpoints.length > 0) kept.push({ ...step, endpoints });
  }
  return kept;
}
